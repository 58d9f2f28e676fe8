export async function run(_o: unknown): Promise<void> {}
