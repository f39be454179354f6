// What each service answers for a user: shared by the services and by the lab, which checks
// every dashboard of the load against it (this module imports nothing).
export const parts: Record<string, (user: string) => unknown> = {
  profile: (user) => ({ id: user, name: `User ${user}`, plan: 'pro' }),
  orders: (user) => [1, 2, 3].map((n) => ({ id: `${user}-${n}`, total: 10 * n, status: 'shipped' })),
  notifications: (user) => [{ id: `${user}-1`, text: 'Your order has shipped' }],
};
