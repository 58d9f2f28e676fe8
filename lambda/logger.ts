/** Structured JSON logs, one object per line on stdout (what CloudWatch Logs Insights queries). */
export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** A logger that stamps every line with `service` and the time; messages are short and lowercase. */
export function jsonLogger(
  service: string,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const log = (level: string, message: string, context: Record<string, unknown> = {}) =>
    write(
      `${JSON.stringify({ level, message, service, timestamp: new Date().toISOString(), ...context })}\n`,
    );
  return {
    info: (message, context) => log('INFO', message, context),
    error: (message, context) => log('ERROR', message, context),
  };
}
