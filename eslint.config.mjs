import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nonDeterministic = [
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Orchestrators read time from context.df.currentUtcDateTime." },
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Orchestrators read time from context.df.currentUtcDateTime." },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: "Randomness belongs in an activity." },
  { selector: "MemberExpression[object.name='process'][property.name='env']", message: "Settings are read in activities or functions/, never in orchestrators." },
  { selector: "CallExpression[callee.name=/^set(Timeout|Interval|Immediate)$/]", message: "Orchestrators wait with context.df.createTimer." }
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "local/host/bin/**", "jest.config.js", "eslint.config.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/require-await": "off"
    }
  },
  {
    files: ["orchestrations/**/*.ts"],
    ignores: ["orchestrations/**/activities/**", "orchestrations/**/*.activities.ts", "orchestrations/**/*.activity.ts"],
    rules: {
      "no-restricted-syntax": ["error", ...nonDeterministic],
      "no-restricted-imports": ["error", {
        patterns: [
          { group: ["node:*", "fs", "http", "https", "net", "child_process", "crypto", "os", "path", "dns", "tls"], message: "Orchestrators do no I/O." },
          { group: ["@azure/*", "!@azure/functions", "**/shared/azure/**", "**/shared/store/**", "**/shared/teams/**"], message: "Orchestrators import only durable-functions, shared/domain and types." }
        ]
      }]
    }
  }
);
