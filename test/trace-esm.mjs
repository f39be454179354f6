// Preloaded with --import by the import-tracing tests: registers resolve hooks that print
// every module URL the process resolves, ES modules included (the CommonJS tracer in
// trace-modules.cjs sees only require()).
import { register } from 'node:module';

register('./trace-esm-hooks.mjs', import.meta.url);
