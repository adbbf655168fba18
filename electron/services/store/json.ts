/** JSON values as stored in the settings columns. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function parseJson(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}

export function parseJsonObject(text: string): JsonObject {
  const value = parseJson(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
