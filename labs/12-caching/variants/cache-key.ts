// The cache key of a category's best-seller list: shared by the variants and by the lab,
// which deletes a key before each stampede (this module imports nothing, so the lab
// definition stays free of packages).
export const cacheKey = (category: number) => `best-sellers:${category}`;
