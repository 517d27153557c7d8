/**
 * The `$filter` of the metrics API: a conjunction of per-dimension clauses, each `dim eq 'value'`,
 * `dim eq '*'` (split by that dimension) or an `or` of equalities on one dimension in parentheses:
 * `(node eq 'a' or node eq 'b') and condition eq 'Ready' and status eq '*'`
 * (https://learn.microsoft.com/rest/api/monitor/metrics/list, `$filter`).
 */
export class InvalidMetricFilterError extends Error {
  override readonly name = "InvalidMetricFilterError";
  constructor(readonly filter: string, detail: string) {
    super(`Invalid $filter "${filter}": ${detail}`);
  }
}

export interface DimensionClause {
  dimension: string;
  /** Accepted values (lower-cased); empty with `split` means any value. */
  values: string[];
  split: boolean;
}

export function parseDimensionFilter(filter: string | null | undefined): DimensionClause[] {
  if (!filter || filter.trim() === "") return [];
  const clauses = splitTopLevel(filter, "and");
  const byDim = new Map<string, DimensionClause>();
  for (const raw of clauses) {
    let text = raw.trim();
    if (text.startsWith("(") && text.endsWith(")")) text = text.slice(1, -1);
    const alternatives = splitTopLevel(text, "or");
    for (const alt of alternatives) {
      const m = /^\s*([A-Za-z0-9_.\-/]+)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(alt);
      if (!m) throw new InvalidMetricFilterError(filter, `cannot parse "${alt.trim()}" (expected dimension eq 'value')`);
      const dimension = (m[1] ?? "").toLowerCase();
      const value = (m[2] ?? "").replace(/''/g, "'");
      const clause = byDim.get(dimension) ?? { dimension, values: [], split: false };
      if (value === "*") clause.split = true;
      else clause.values.push(value.toLowerCase());
      byDim.set(dimension, clause);
    }
  }
  // `dim eq 'a' or dim eq 'b'` also splits by dim, as Azure returns one series per listed value.
  for (const clause of byDim.values()) if (clause.values.length > 1) clause.split = true;
  return [...byDim.values()];
}

function splitTopLevel(text: string, word: "and" | "or"): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  const re = new RegExp(`^\\s${word}\\s`, "i");
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth--;
    else if (!quoted && depth === 0 && re.test(text.slice(i, i + word.length + 2))) {
      parts.push(text.slice(start, i));
      i += word.length + 1;
      start = i;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim() !== "");
}
