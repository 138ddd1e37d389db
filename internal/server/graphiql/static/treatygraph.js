// treatygraph's GraphiQL page: the editor with the explorer plugin, talking to the API beside
// it, opened on example queries that show off the graph. Everything it loads comes from this
// server, so it works with no internet.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  var endpoint = new URL(root.getAttribute('data-endpoint') || 'graphql', document.baseURI).href;
  // The example tabs come from graphiql/examples/*.graphql, written into the page by the server.
  var examples = JSON.parse(document.getElementById('examples').textContent || '[]');

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultEditorToolsVisibility: 'variables',
      defaultTabs: examples.map(function (e) {
        return e.variables ? { query: e.query, variables: e.variables } : { query: e.query };
      })
    })
  );
})();
