/**
 * Weekly node images per OS SKU. AKS names them `<prefix>-<YYYYMM>.<DD>.<build>`, e.g.
 * `AKSUbuntu-2204gen2containerd-202611.21.0` (https://github.com/Azure/AKS/releases lists the
 * weekly "node image" versions). Publishing one emits no event, as AKS emits none.
 */
export type OsSku = "Ubuntu" | "Ubuntu2204" | "AzureLinux" | "Windows2022";

const PREFIX: Record<OsSku, string> = {
  Ubuntu: "AKSUbuntu-2204gen2containerd",
  Ubuntu2204: "AKSUbuntu-2204gen2containerd",
  AzureLinux: "AKSAzureLinux-V2gen2",
  Windows2022: "AKSWindows-2022-containerd"
};

export const OS_SKUS = Object.keys(PREFIX) as OsSku[];

export class UnknownOsSkuError extends Error {
  override readonly name = "UnknownOsSkuError";
  constructor(readonly osSku: string) {
    super(`Unknown osSku '${osSku}'; expected one of ${OS_SKUS.join(", ")}`);
  }
}

export interface NodeImage {
  osSku: OsSku;
  version: string;
  publishedAt: number;
}

export function normalizeOsSku(osSku: string | undefined, osType?: string): OsSku {
  if (!osSku) return osType?.toLowerCase() === "windows" ? "Windows2022" : "Ubuntu";
  const found = OS_SKUS.find((s) => s.toLowerCase() === osSku.toLowerCase());
  if (!found) throw new UnknownOsSkuError(osSku);
  return found;
}

/** `AKSUbuntu-2204gen2containerd-202611.21.0` for 2026-11-21, build 0. */
export function nodeImageVersion(osSku: OsSku, at: number, build = 0): string {
  const d = new Date(at);
  const yyyymm = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  const dd = String(d.getUTCDate()).padStart(2, "0");
  const win = osSku === "Windows2022";
  // Windows images are numbered `20348.<build>.<YYMMDD>` by AKS; keep one dated scheme for all.
  return win ? `${PREFIX[osSku]}-20348.${yyyymm}${dd}.${build}` : `${PREFIX[osSku]}-${yyyymm}.${dd}.${build}`;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

export class NodeImageCatalog {
  private images: NodeImage[] = [];

  /** Seeds one image per SKU dated `at` (the image the fleet starts on). */
  seed(at: number): void {
    for (const osSku of OS_SKUS) this.images.push({ osSku, version: nodeImageVersion(osSku, at), publishedAt: at });
  }

  latest(osSku: OsSku): NodeImage | undefined {
    const forSku = this.images.filter((i) => i.osSku === osSku);
    return forSku[forSku.length - 1];
  }

  history(osSku?: OsSku): NodeImage[] {
    return this.images.filter((i) => !osSku || i.osSku === osSku);
  }

  /**
   * Publishes the next weekly image for one SKU (or all): dated a week after the previous one, or
   * `now` if that is later; a second image on the same date bumps the build number.
   */
  publish(now: number, osSku?: OsSku): NodeImage[] {
    const skus = osSku ? [osSku] : OS_SKUS;
    const out: NodeImage[] = [];
    for (const sku of skus) {
      const prev = this.latest(sku);
      const at = prev ? Math.max(prev.publishedAt + WEEK_MS, now) : now;
      let build = 0;
      let version = nodeImageVersion(sku, at, build);
      while (this.images.some((i) => i.version === version)) version = nodeImageVersion(sku, at, ++build);
      const image = { osSku: sku, version, publishedAt: at };
      this.images.push(image);
      out.push(image);
    }
    return out;
  }

  snapshot(): NodeImage[] {
    return [...this.images];
  }

  restore(images: NodeImage[]): void {
    this.images = [...images];
  }
}
