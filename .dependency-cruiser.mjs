/**
 * The project's dependency rules, checked by `npm run lint` (`lint:boundaries`). docs/architecture.md
 * draws them. A project module is anything outside node_modules that is not a Node builtin, so every
 * "imports only X" rule forbids the project modules outside X and leaves npm packages alone.
 */

/** A rule forbidding `layer` (a path regex) to import project modules outside `allowed`. */
const onlyImports = (name, comment, layer, allowed) => ({
  name,
  comment,
  severity: 'error',
  from: { path: layer },
  // Unresolvable imports are left to not-to-unresolvable, so each is reported once.
  to: { pathNot: allowed, dependencyTypesNot: ['core'], couldNotResolve: false },
});

export default {
  forbidden: [
    onlyImports(
      'contracts-imports-nothing',
      'contracts/ is what every other folder agrees on, so it depends on none of them',
      '^contracts/',
      ['^contracts/'],
    ),
    onlyImports(
      'lambda-imports-only-contracts',
      'the Lambda bundle must not pull the CLI, the stacks or the dashboard into the deployed code',
      '^lambda/',
      ['^lambda/', '^contracts/'],
    ),
    onlyImports(
      'stacks-import-only-contracts-and-lambda-build',
      'the infrastructure (stacks/ and its entry main.ts) reads the contracts and bundles the Lambda, nothing else',
      '^(stacks/|main\\.ts$)',
      ['^stacks/', '^contracts/', '^lambda/build\\.ts$'],
    ),
    onlyImports(
      'dashboards-import-only-contracts',
      'the dashboard is built from the CSV contract alone; the CLI injects any I/O it needs',
      '^dashboards/',
      ['^dashboards/', '^contracts/'],
    ),
    {
      name: 'no-circular',
      comment: 'a module cycle makes load order and ownership ambiguous',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'two folders that import each other are one module in disguise: merge them or cut one way',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import the checker cannot resolve would pass every other rule unseen',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Generated, vendored and installed trees, and dot-folders (.venv*, .git): not the project's code.
    // npm packages leave the graph here, wherever node_modules is (a symlink resolves to its target).
    // `\.[^./]`, not `\.`: an unresolved `../x.js` keeps its specifier as its path and must not
    // pass for a dot-folder (which would hide it from not-to-unresolvable).
    exclude: {
      path: [
        '(^|/)node_modules/',
        '^(\\.[^./][^/]*|dbt|cdktf\\.out|lake|dist|coverage|test-artifacts|dashboards/vendor)/',
      ],
    },
    // Type-only imports couple folders as much as value imports do.
    tsPreCompilationDeps: true,
    // Package subpath exports (`csv-parse/sync`) resolve as Node's ESM loader does. NodeNext's
    // `./x.js` specifiers resolve to the `./x.ts` sources without configuration, as in tsc.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default', 'types'],
    },
  },
};
