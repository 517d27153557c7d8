import {
  InvalidKubernetesVersionError, compareKubernetesVersions, formatKubernetesVersion, isKubernetesVersion,
  minorDistance, newestVersion, parseKubernetesVersion, parseMinorVersion
} from "../../shared/domain/versions";

describe("parseKubernetesVersion", () => {
  it.each([
    ["1.30.4", { major: 1, minor: 30, patch: 4 }],
    ["v1.31.0", { major: 1, minor: 31, patch: 0 }],
    ["  1.29.10 ", { major: 1, minor: 29, patch: 10 }],
    ["1.100.0", { major: 1, minor: 100, patch: 0 }]
  ])("parses %j", (input, expected) => {
    expect(parseKubernetesVersion(input)).toEqual(expected);
  });

  it.each([["1.30"], ["1.30.x"], [""], ["01.30.1"], ["1.030.1"], ["1.30.4-preview"], ["1.30.4.5"], ["latest"], ["1..2"], ["-1.30.1"]])(
    "rejects %j naming the input",
    (input) => {
      expect(() => parseKubernetesVersion(input)).toThrow(InvalidKubernetesVersionError);
      expect(() => parseKubernetesVersion(input)).toThrow(JSON.stringify(input));
    }
  );

  it.each([[null], [undefined], [1.3], [{ major: 1 }]])("rejects a non-string %j", (input) => {
    const error = captureError(() => parseKubernetesVersion(input));
    expect(error).toBeInstanceOf(InvalidKubernetesVersionError);
    expect(error).toMatchObject({ name: "InvalidKubernetesVersionError", permanent: true, input });
  });

  it("round-trips through format", () => {
    for (const v of ["1.0.0", "1.28.15", "2.3.4"]) expect(formatKubernetesVersion(parseKubernetesVersion(v))).toBe(v);
  });

  it("isKubernetesVersion agrees with the parser", () => {
    expect(["1.2.3", "v1.2.3", "1.2", "", "x"].map(isKubernetesVersion)).toEqual([true, true, false, false, false]);
    expect(isKubernetesVersion(12)).toBe(false);
  });
});

describe("parseMinorVersion", () => {
  it("reads the release lines AKS lists", () => {
    expect(parseMinorVersion("1.31")).toEqual({ major: 1, minor: 31 });
    expect(() => parseMinorVersion("1.31.2")).toThrow(InvalidKubernetesVersionError);
    expect(() => parseMinorVersion(31)).toThrow("expected a string");
  });
});

describe("compareKubernetesVersions", () => {
  it("orders numerically, not lexically", () => {
    const sorted = ["1.30.10", "1.9.0", "1.30.9", "1.100.1", "1.30.1", "2.0.0"].sort(compareKubernetesVersions);
    expect(sorted).toEqual(["1.9.0", "1.30.1", "1.30.9", "1.30.10", "1.100.1", "2.0.0"]);
  });

  it("is zero for equal versions, parsed or not", () => {
    expect(compareKubernetesVersions("1.30.1", parseKubernetesVersion("v1.30.1"))).toBe(0);
  });

  it("rejects garbage on either side", () => {
    expect(() => compareKubernetesVersions("1.30.1", "1.30")).toThrow(InvalidKubernetesVersionError);
  });

  it("newestVersion picks the highest", () => {
    expect(newestVersion(["1.30.9", "1.30.10", "1.29.20"])).toBe("1.30.10");
    expect(newestVersion([])).toBeUndefined();
  });

  it("minorDistance refuses to compare across majors", () => {
    expect(minorDistance(parseKubernetesVersion("1.28.0"), parseKubernetesVersion("1.31.5"))).toBe(3);
    expect(() => minorDistance(parseKubernetesVersion("1.28.0"), parseKubernetesVersion("2.0.0"))).toThrow("major versions differ");
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
