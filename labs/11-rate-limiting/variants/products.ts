// The product list /api/products answers: shared by the variants and by the lab, which
// checks every answer of the load against it (this module imports nothing).
export const PRODUCTS = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `Product ${i + 1}`, price: 5 + ((i * 37) % 95) }));
