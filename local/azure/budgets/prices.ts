/**
 * A small VM price table for simulated spend: Linux pay-as-you-go hourly list prices in USD,
 * rounded, as shown on the Azure pricing calculator for West Europe/East US in 2024-2025. They are
 * close enough for budgets and thresholds to behave realistically; they are not a billing source.
 * An unknown size is priced per vCPU (the digits after the family letter) at the D-series v5 rate.
 */
export const CURRENCY = "USD";

export const VM_HOURLY_USD: Readonly<Record<string, number>> = {
  standard_b2s: 0.0416,
  standard_b4ms: 0.166,
  standard_d2s_v3: 0.096,
  standard_d4s_v3: 0.192,
  standard_d8s_v3: 0.384,
  standard_ds2_v2: 0.146,
  standard_d2s_v5: 0.096,
  standard_d4s_v5: 0.192,
  standard_d8s_v5: 0.384,
  standard_d2ds_v5: 0.113,
  standard_d4ds_v5: 0.226,
  standard_d8ds_v5: 0.452,
  standard_d16ds_v5: 0.904,
  standard_d4as_v5: 0.172,
  standard_e4ds_v5: 0.288,
  standard_e8ds_v5: 0.576,
  standard_f8s_v2: 0.338
};

/** Per vCPU-hour for sizes not in the table (D4ds_v5 / 4). */
const PER_VCPU_HOUR = 0.0565;

/** AKS control plane per cluster-hour by tier (https://azure.microsoft.com/pricing/details/kubernetes-service/). */
export const CONTROL_PLANE_HOURLY_USD: Readonly<Record<string, number>> = { free: 0, standard: 0.1, premium: 0.6 };

export function vmHourlyPrice(vmSize: string): number {
  const known = VM_HOURLY_USD[vmSize.toLowerCase()];
  if (known !== undefined) return known;
  const vcpus = Number(/^standard_[a-z]+(\d+)/i.exec(vmSize)?.[1] ?? "2");
  return Math.round(vcpus * PER_VCPU_HOUR * 10_000) / 10_000;
}

export function controlPlaneHourlyPrice(tier: string | undefined): number {
  return CONTROL_PLANE_HOURLY_USD[(tier ?? "free").toLowerCase()] ?? 0;
}
