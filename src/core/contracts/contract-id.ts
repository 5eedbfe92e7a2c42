/** `ProductCreated` + 1 <-> `product_created.v1.json`: the one naming rule shared by loader and checks. */
export function contractFileName(eventType: string, version: number): string {
  return `${snakeCase(eventType)}.v${version}.json`;
}

export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function parseContractFileName(file: string): { base: string; version: number } | undefined {
  const m = /^([a-z][a-z0-9_]*)\.v(\d+)\.json$/.exec(file);
  if (!m) return undefined;
  return { base: m[1]!, version: Number(m[2]) };
}

export function contractKey(eventType: string, version: number): string {
  return `${eventType}@v${version}`;
}
