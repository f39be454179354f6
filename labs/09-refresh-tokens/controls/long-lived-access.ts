// Negative control: rejects `expired-access-refreshes`. The Redis rotation with access
// tokens that live an hour, so the access token still works when the claim expects 401.
process.env.ACCESS_TOKEN_TTL_SEC = '3600';
await import('../variants/refresh-rotation.js');
