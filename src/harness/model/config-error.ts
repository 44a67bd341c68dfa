/**
 * A configuration or usage mistake (the CLI exits 2 on one). On its own, with no imports, so the CLI
 * entry can tell it apart without loading the statement's YAML parser and schema validator.
 */
export class ConfigError extends Error {}
