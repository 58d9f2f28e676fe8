import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { OpsError } from '../../contracts/ops-error.js';

/** Trino 476 runs on Java 24 or newer. */
export const MIN_JAVA = 24;

/** A Java installation the server can run on. */
export interface JavaHome {
  home: string;
  /** Feature release, e.g. 25. */
  major: number;
}

/** The feature release `java -version` reports (`openjdk version "25.0.3"` -> 25; `"1.8.0"` -> 8). */
export function javaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

function probe(home: string): JavaHome | undefined {
  const java = path.join(home, 'bin', 'java');
  if (!existsSync(java)) return undefined;
  // `java -version` reports on stderr; without perf data it leaves no hsperfdata_<user> folder.
  const res = spawnSync(java, ['-XX:-UsePerfData', '-version'], { encoding: 'utf8' });
  const major = javaMajor(`${res.stderr ?? ''}${res.stdout ?? ''}`);
  return major === undefined ? undefined : { home, major };
}

/** Where JDKs are usually installed (Debian/Ubuntu, macOS). */
export const JDK_ROOTS = ['/usr/lib/jvm', '/Library/Java/JavaVirtualMachines'];

/** The env's choices first, then every JDK under `roots`, newest name first. */
function candidates(env: NodeJS.ProcessEnv, roots: readonly string[]): string[] {
  const named = [env.TRINO_JAVA_HOME, env.JAVA_HOME].filter((h): h is string => Boolean(h));
  const scanned = roots.flatMap((root) => {
    if (!existsSync(root)) return [];
    return readdirSync(root)
      .sort()
      .reverse()
      .flatMap((d) => [path.join(root, d), path.join(root, d, 'Contents', 'Home')]);
  });
  return [...named, ...scanned];
}

/**
 * Finds a Java >= 24 for the server: TRINO_JAVA_HOME, then JAVA_HOME, then installed JDKs.
 * TRINO_JAVA_HOME is binding: if it is set but too old, that is the error (no silent fallback).
 */
export function findJava(
  env: NodeJS.ProcessEnv = process.env,
  roots: readonly string[] = JDK_ROOTS,
): JavaHome {
  const hint = `install a JDK ${MIN_JAVA} or newer (e.g. Temurin 25) and set TRINO_JAVA_HOME to it`;
  const seen: JavaHome[] = [];
  for (const home of candidates(env, roots)) {
    const found = probe(home);
    if (!found) continue;
    if (found.major >= MIN_JAVA) return found;
    if (home === env.TRINO_JAVA_HOME) {
      throw new OpsError(
        'JAVA_TOO_OLD',
        `TRINO_JAVA_HOME=${home} is Java ${found.major}; Trino needs ${MIN_JAVA}+`,
        hint,
      );
    }
    seen.push(found);
  }
  if (seen.length) {
    const list = seen.map((j) => `${j.home} (${j.major})`).join(', ');
    throw new OpsError('JAVA_TOO_OLD', `Trino needs Java ${MIN_JAVA}+; found only ${list}`, hint);
  }
  throw new OpsError('JAVA_MISSING', 'no Java installation found for Trino', hint);
}
