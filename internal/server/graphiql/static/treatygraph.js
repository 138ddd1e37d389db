// treatygraph's GraphiQL page: the editor with the explorer plugin, talking to the API beside
// it, opened on example queries that show off the graph. Everything it loads comes from this
// server, so it works with no internet.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  var endpoint = new URL(root.getAttribute('data-endpoint') || 'graphql', document.baseURI).href;
  // The example tabs come from graphiql/examples/*.graphql, written into the page by the server.
  var examples = JSON.parse(document.getElementById('examples').textContent || '[]');

  // Wrap long lines in every editor rather than cut them at the pane's edge: with the
  // explorer open on a 1024 px screen, the query editor is about 26 characters wide.
  // GraphiQL creates its CodeMirror editors itself, without this option, so set it on each
  // as it appears.
  new MutationObserver(function () {
    root.querySelectorAll('.CodeMirror:not(.CodeMirror-wrap)').forEach(function (el) {
      if (el.CodeMirror) el.CodeMirror.setOption('lineWrapping', true);
    });
  }).observe(root, { childList: true, subtree: true });

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      // Ask introspection for the schema's description: the Docs page opens on it.
      schemaDescription: true,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultEditorToolsVisibility: 'variables',
      defaultTabs: examples.map(function (e) {
        return e.variables ? { query: e.query, variables: e.variables } : { query: e.query };
      })
    })
  );
})();
