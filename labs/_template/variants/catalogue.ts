// The data both variants serve: 2,000 products, the same on every start (no randomness), so
// the lab can work out the correct answer itself.
export interface Product {
  id: number;
  name: string;
  price: number;
  tags: string[];
}

export function catalogue(): Product[] {
  return Array.from({ length: 2000 }, (_, i) => ({
    id: i + 1,
    name: `product ${i + 1}`,
    price: ((i * 7919) % 10_000) / 100,
    tags: [`tag${i % 17}`, `tag${i % 31}`],
  }));
}
