import { readFile } from 'node:fs/promises';
import { OpsError } from '../../contracts/ops-error.js';
import { STACK_OUTPUTS, type StackOutputName } from '../../contracts/stack-outputs.js';

/** Where `ops --target aws` looks for the deployed stack's outputs unless told otherwise. */
export const DEFAULT_OUTPUTS_FILE = 'cdktf.out/outputs.json';

/** The outputs of one deployed stack, by the names `contracts/stack-outputs.ts` declares. */
export interface StackOutputs {
  file: string;
  /** The stack the values came from; undefined for a flat file. */
  stack: string | undefined;
  values: Partial<Record<StackOutputName, string>>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const declared = new Set<string>(STACK_OUTPUTS);

/** `"name"` or Terraform's `{ "value": "name", "type": "string" }` (`terraform output -json`). */
function outputValue(v: unknown): string | undefined {
  const value = isObject(v) ? v.value : v;
  return typeof value === 'string' ? value : undefined;
}

function pickStack(file: string, doc: Json, stack: string | undefined): [string | undefined, Json] {
  if (Object.keys(doc).some((k) => declared.has(k))) return [undefined, doc];
  const stacks = Object.keys(doc).filter((k) => isObject(doc[k]));
  // `terraform output -json` before an apply writes `{}`: there is no stack to choose from yet
  if (!stacks.length) {
    throw new OpsError(
      'AWS_OUTPUTS_EMPTY',
      `${file} holds no stack outputs (terraform wrote it before the stack was applied?)`,
      'deploy the stack (terraform apply in cdktf.out/stacks/<stack>, docs/aws.md), then write the file again with `terraform output -json`',
    );
  }
  const chosen = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (!chosen || !isObject(doc[chosen])) {
    throw new OpsError(
      'AWS_OUTPUTS_STACK',
      stack
        ? `${file} has no stack "${stack}" (stacks: ${stacks.join(', ')})`
        : `${file} holds ${stacks.length} stacks (${stacks.join(', ')}): which one?`,
      'pass --stack NAME (or set STORE_SALES_STACK), e.g. --stack store-sales-dev',
    );
  }
  return [chosen, doc[chosen] as Json];
}

/**
 * Reads the stack outputs Terraform wrote after a deploy. Three shapes are accepted:
 * `cdktf output --outputs-file` (`{ "<stack>": { "<output>": value } }`; `stack` picks one when it
 * holds several), a flat `{ "<output>": value }`, and `terraform output -json` (values as
 * `{ "value": … }`). Returns undefined when the file does not exist and `required` is false.
 */
export async function readStackOutputs(
  file: string,
  options: { stack?: string; required: boolean },
): Promise<StackOutputs | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !options.required) return undefined;
    throw new OpsError(
      'AWS_OUTPUTS_UNREADABLE',
      `cannot read ${file}: ${(err as Error).message}`,
      outputsHint(file),
      {
        cause: err,
      },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new OpsError(
      'AWS_OUTPUTS_UNREADABLE',
      `${file} is not JSON: ${(err as Error).message}`,
      outputsHint(file),
      {
        cause: err,
      },
    );
  }
  if (!isObject(doc))
    throw new OpsError('AWS_OUTPUTS_UNREADABLE', `${file} is not a JSON object`, outputsHint(file));
  const [stack, outputs] = pickStack(file, doc, options.stack);
  const values: StackOutputs['values'] = {};
  for (const name of STACK_OUTPUTS) {
    const value = outputValue(outputs[name]);
    if (value !== undefined) values[name] = value;
  }
  return { file, stack, values };
}

/** How to (re)write the outputs file after a deploy (cdktf CLI, or plain Terraform). */
export const outputsHint = (file: string = DEFAULT_OUTPUTS_FILE): string =>
  `write it after a deploy: \`cdktf output store-sales-dev --outputs-file ${file}\` or ` +
  `\`terraform -chdir=cdktf.out/stacks/store-sales-dev output -json > ${file}\``;
