/** The options every model reader takes, and their extraction from a command's parsed options. */
export interface LoadOptions {
  /** `--extra-params`: a Nix attrset literal (or a JSON object) for the model functions. */
  extraParams?: string;
  showTrace?: boolean;
  /** `--xml`: compatibility flag; detection already handles XML. */
  xml?: boolean;
  /** Deployment only: evaluate Nix services' `pkg` paths (planning never forces `pkg`). */
  evaluatePkg?: boolean;
  /** `--strict`: a misspelt key (src/model/unknown-keys.ts) is an error instead of a warning. */
  strict?: boolean;
}

/** The model-reading part of a command's options (`--extra-params`, `--show-trace`, `--xml`, `--strict`). */
export function loadOptionsOf(options: { extraParams?: string | undefined; showTrace?: boolean | undefined; xml?: boolean | undefined; strict?: boolean | undefined }): LoadOptions {
  const result: LoadOptions = {};
  if (options.strict) result.strict = true;
  if (options.extraParams !== undefined) result.extraParams = options.extraParams;
  if (options.showTrace) result.showTrace = true;
  if (options.xml) result.xml = true;
  return result;
}
