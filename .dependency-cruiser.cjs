/**
 * Module boundaries: no file imports itself around a circle, and no folder does either (`npm run lint`
 * runs `depcruise`). Type-only imports count too: a folder circle is a boundary problem whether or not it
 * survives compilation.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-file-cycles',
      severity: 'error',
      comment:
        'A module depends on itself through others. Move what both need into a module that needs neither.',
      // Known file circles left to the branches that own these files (the Cosmos emulator's query and store,
      // verify, the search emulator's schema): each is listed so that it is fixed where the code is, and no other circle can appear.
      from: {
        pathNot: [
          '^infra/cosmos/query/(evaluator|expressions)\\.ts$',
          '^infra/cosmos/store/(change-log|container)\\.ts$',
          '^verify/(checks|hints)\\.ts$',
          '^infra/search/(schema|vector-schema)\\.ts$',
        ],
      },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules', '\\.test\\.ts$', '^docs/.*/generated'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
