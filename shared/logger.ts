/**
 * One-line JSON logs on stderr; `silent` for tests. A request's lines carry its id: the
 * request context holds `log`, a child of the service's logger with `requestId` bound.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bound` to every line (e.g. `{ requestId }`). */
  child(bound: Record<string, unknown>): Logger;
}

export function createLogger(service: string, level: LogLevel = 'info', bound: Record<string, unknown> = {}): Logger {
  const log = (at: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    const line = { time: new Date().toISOString(), level: at, service, msg, ...bound, ...fields };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => createLogger(service, level, { ...bound, ...more }),
  };
}
