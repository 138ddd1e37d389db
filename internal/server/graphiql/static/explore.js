// explore.js: the page at /explore. Find a state or organization by name, see its card with
// its stints (and what of their dates is unknown), its timeline (the SVG chart under
// /timeline/) and its neighbourhood in the graph, drawn with Cytoscape.js. Everything comes
// from the API at /graphql; the page keeps its place in the URL (?id=…&depth=…&at=…), so
// that it can be bookmarked and the back button works.
(function () {
  'use strict';

  var API = 'graphql';
  var MAX_NODES = 150;
  var $ = function (id) { return document.getElementById(id); };

  var state = { id: '', depth: 1, at: '' };
  var cy = null;
  var loadSeq = 0;

  // gql posts a query and returns its data, or throws an Error whose message is the API's.
  function gql(query, variables) {
    return fetch(API, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query: query, variables: variables }),
    }).then(function (r) {
      return r.json().catch(function () {
        throw new Error('the API answered ' + r.status + ' ' + r.statusText);
      });
    }).then(function (body) {
      if (body.errors && body.errors.length) {
        var e = new Error(body.errors.map(function (x) { return x.message; }).join('; '));
        e.code = body.errors[0].extensions && body.errors[0].extensions.code;
        throw e;
      }
      return body.data;
    });
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function showMessage(text, kind) {
    var m = $('message');
    m.textContent = text;
    m.className = kind || '';
    m.hidden = !text;
  }

  // ---- Type-ahead search -------------------------------------------------------------

  var SEARCH = 'query ExploreSearch($text: String!) {\n' +
    '  search(text: $text, kinds: [STATE, ORGANIZATION], first: 12) {\n' +
    '    node { __typename id ... on Actor { name slug } ... on Organization { acronym } }\n' +
    '  }\n}';

  var hits = [];
  var active = -1;
  var searchTimer = null;
  var searchSeq = 0;

  function closeHits() {
    $('hits').hidden = true;
    $('q').setAttribute('aria-expanded', 'false');
    active = -1;
  }

  function renderHits() {
    var list = $('hits');
    list.textContent = '';
    hits.forEach(function (h, i) {
      var kind = h.__typename === 'State' ? 'state' : 'organization';
      var li = el('li', { role: 'option', id: 'hit-' + i, 'data-id': h.id, 'aria-selected': String(i === active) }, [
        el('span', { class: 'hit-name', text: h.name }),
        el('span', { class: 'hit-kind ' + kind, text: h.acronym ? h.acronym : kind }),
      ]);
      li.addEventListener('mousedown', function (ev) { ev.preventDefault(); pick(i); });
      list.appendChild(li);
    });
    if (!hits.length) list.appendChild(el('li', { class: 'none', text: 'No state or organization by that name.' }));
    list.hidden = false;
    $('q').setAttribute('aria-expanded', 'true');
    if (active >= 0) $('q').setAttribute('aria-activedescendant', 'hit-' + active);
    else $('q').removeAttribute('aria-activedescendant');
  }

  function runSearch() {
    var text = $('q').value.trim();
    var seq = ++searchSeq;
    if (!text) { hits = []; closeHits(); return; }
    gql(SEARCH, { text: text.slice(0, 200) }).then(function (data) {
      if (seq !== searchSeq) return;
      hits = data.search.map(function (s) { return s.node; });
      active = hits.length ? 0 : -1;
      renderHits();
    }).catch(function (e) {
      if (seq !== searchSeq) return;
      hits = [];
      closeHits();
      showMessage('Search failed: ' + e.message, 'error');
    });
  }

  function pick(i) {
    var h = hits[i];
    if (!h) return;
    $('q').value = h.name;
    // A search still under way for an earlier prefix must not reopen the list.
    clearTimeout(searchTimer);
    searchSeq++;
    closeHits();
    navigate({ id: h.id });
  }

  $('q').addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 150);
  });
  $('q').addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!hits.length) return;
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length;
      renderHits();
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (active >= 0) pick(active);
    } else if (ev.key === 'Escape') {
      closeHits();
    }
  });
  $('q').addEventListener('blur', function () { setTimeout(closeHits, 100); });
  $('controls').addEventListener('submit', function (ev) { ev.preventDefault(); });

  // ---- Depth and date ----------------------------------------------------------------

  $('depth').addEventListener('change', function () { navigate({ depth: Number($('depth').value) }); });
  $('at').addEventListener('change', function () {
    var v = $('at').value.trim();
    if (v && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) {
      showMessage('"' + v + '" is not a date: write a year, a month or a day, e.g. 2005, 2005-06 or 2005-06-01.', 'error');
      return;
    }
    navigate({ at: v });
  });
  $('clear-at').addEventListener('click', function () { $('at').value = ''; navigate({ at: '' }); });

  // ---- The URL holds the page's state ------------------------------------------------

  function readURL() {
    var p = new URLSearchParams(location.search);
    var depth = Number(p.get('depth'));
    state = { id: p.get('id') || '', depth: depth === 2 ? 2 : 1, at: p.get('at') || '' };
    $('depth').value = String(state.depth);
    $('at').value = state.at;
  }

  function writeURL(push) {
    var p = new URLSearchParams();
    if (state.id) p.set('id', state.id);
    if (state.depth !== 1) p.set('depth', String(state.depth));
    if (state.at) p.set('at', state.at);
    var q = p.toString();
    var u = location.pathname + (q ? '?' + q : '');
    if (push) history.pushState(null, '', u);
    else history.replaceState(null, '', u);
  }

  function navigate(change) {
    Object.keys(change).forEach(function (k) { state[k] = change[k]; });
    writeURL(true);
    load();
  }

  window.addEventListener('popstate', function () { readURL(); load(); });

  // ---- The card ----------------------------------------------------------------------

  var SOURCES = 'sources { document { slug title } section { title } notes }';
  var CARD = 'query ExploreCard($id: ID!) {\n' +
    '  node(id: $id) {\n    __typename id\n' +
    '    ... on State { slug name names { language text transliteration } aliases iso2 iso3 cowCode cowAbbreviation recognition\n' +
    '      systemMembership { start { iso } end { iso } } ' + SOURCES + ' }\n' +
    '    ... on Organization { slug name names { language text transliteration } aliases acronym type cowKey\n' +
    '      founded { iso } ended { iso } endReason ' + SOURCES + ' }\n' +
    '  }\n}';

  function row(dl, term, value) {
    if (value == null || value === '' || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el('dt', { text: term }));
    dl.appendChild(el('dd', {}, Array.isArray(value) ? value : [String(value)]));
  }

  var RECOGNITION = {
    UN_MEMBER: 'UN member state', PARTIALLY_RECOGNIZED: 'recognised by some UN members',
    UNRECOGNIZED: 'recognised by no UN member', FORMER_STATE: 'former state', OUTSIDE_UN: 'outside the UN',
  };

  function words(s) { return String(s).toLowerCase().replace(/_/g, ' '); }

  function renderCard(n) {
    var card = $('card-body');
    card.textContent = '';
    var isState = n.__typename === 'State';
    card.appendChild(el('p', { class: 'kind', text: isState ? 'State' : 'Organization' + (n.type ? ' · ' + n.type : '') }));
    card.appendChild(el('h2', { id: 'card-name', text: n.name }));
    var codes = el('dl', { class: 'codes' });
    row(codes, 'Slug', n.slug);
    if (isState) {
      row(codes, 'ISO 3166', [n.iso2, n.iso3].filter(Boolean).join(' / '));
      row(codes, 'COW code', n.cowCode != null ? n.cowCode + (n.cowAbbreviation ? ' (' + n.cowAbbreviation + ')' : '') : null);
      row(codes, 'Recognition', RECOGNITION[n.recognition] || words(n.recognition));
      // An open period was still so when the state list ends: not "today".
      row(codes, 'In the state system', n.systemMembership.map(function (p) {
        return p.end ? p.start.iso + '–' + p.end.iso : 'since ' + p.start.iso + ' (still so when the source ends, later unknown)';
      }).join(', '));
    } else {
      row(codes, 'Acronym', n.acronym);
      row(codes, 'COW key', n.cowKey);
      row(codes, 'Founded', n.founded && n.founded.iso);
      row(codes, 'Ended', n.ended ? n.ended.iso + (n.endReason ? ' (' + words(n.endReason) + ')' : '') : null);
    }
    row(codes, 'Also called', n.aliases.join(' · '));
    card.appendChild(codes);

    if (n.names.length) {
      card.appendChild(el('h3', { text: 'Names' }));
      var names = el('ul', { class: 'names' });
      n.names.forEach(function (x) {
        names.appendChild(el('li', {}, [
          el('span', { class: 'lang', text: x.language }),
          el('span', { lang: x.language, text: x.text }),
          x.transliteration ? el('span', { class: 'translit', text: ' (' + x.transliteration + ')' }) : null,
        ]));
      });
      card.appendChild(names);
    }
    if (n.sources.length) {
      card.appendChild(el('h3', { text: 'Sources' }));
      var src = el('ul', { class: 'sources' });
      n.sources.forEach(function (s) {
        src.appendChild(el('li', {}, [
          el('cite', { text: s.document.title }),
          ', ' + s.section.title + (s.notes.length ? ', note ' + s.notes.join(', ') : ''),
        ]));
      });
      card.appendChild(src);
    }
  }

  // ---- Dates, and what of them is unknown ---------------------------------------------
  // The sources do not always say when: a stint's start may be undated (bounded or not), a
  // date approximate (a range of years), an open end only "still so when the source last
  // looked" (asOf), and a dataset may have years without data inside a stint. The page says
  // so: an undated start is "?", never "always"; an open end is never "today".

  // yearList writes years, runs as ranges: "2003–2007, 2010".
  function yearList(ys) {
    ys = ys.slice().sort(function (a, b) { return a - b; });
    var out = [];
    for (var i = 0; i < ys.length; i++) {
      var j = i;
      while (j + 1 < ys.length && ys[j + 1] <= ys[j] + 1) j++;
      out.push(ys[i] === ys[j] ? String(ys[i]) : ys[i] + '–' + ys[j]);
      i = j;
    }
    return out.join(', ');
  }

  // boundsText says within what a date the source does not give fell: "not before 2015".
  function boundsText(b) {
    if (!b || (!b.notBefore && !b.notAfter)) return '';
    if (b.notBefore && b.notAfter) return 'between ' + b.notBefore.iso + ' and ' + b.notAfter.iso;
    return b.notBefore ? 'not before ' + b.notBefore.iso : 'not after ' + b.notAfter.iso;
  }

  // rangeText is the range of an approximate date when it is wider than the date's year.
  function rangeText(d, r) {
    if (!d || !r || (r.earliest === d.year && r.latest === d.year)) return '';
    return 'between ' + r.earliest + ' and ' + r.latest;
  }

  // horizonText is what an open end means: still so when the source last looked.
  function horizonText(asOf) {
    if (!asOf) return 'end unknown';
    return 'still so ' + (asOf.iso.length === 10 ? 'on ' : 'in ') + asOf.iso + ', later unknown';
  }

  // claimDates writes one source's dates of a stint and what of them is unknown:
  // "1994–1999", "since 2002 (still so in 2014, later unknown)", "since ? (not before 2015;
  // still so on 2020-02-18, later unknown)", "?–2000", "1962–1970 (start between 1962 and
  // 1965)", "2002–2011 (no data 2003–2007)". unknownYears are the years without data to name.
  function claimDates(c, unknownYears) {
    var notes = [];
    var start = c.start ? c.start.iso : '?';
    var open = !c.end && !c.endBounds;
    var startNote = c.start ? rangeText(c.start, c.startRange) : boundsText(c.startBounds);
    var text;
    if (open) {
      text = 'since ' + start;
      if (startNote) notes.push(startNote);
      notes.push(horizonText(c.asOf));
    } else {
      text = start + '–' + (c.end ? c.end.iso : '?');
      if (startNote) notes.push('start ' + startNote);
      var endNote = c.end ? rangeText(c.end, c.endRange) : boundsText(c.endBounds);
      if (endNote) notes.push('end ' + endNote);
    }
    if (unknownYears && unknownYears.length) notes.push('no data ' + yearList(unknownYears));
    return notes.length ? text + ' (' + notes.join('; ') + ')' : text;
  }

  // stintDates writes a stint's dates: its preferred source's (the first claim), with the
  // years for which no source that states it has data.
  function stintDates(m) {
    return claimDates(m.claims[0] || {}, m.unknownYears);
  }

  // ---- The stints --------------------------------------------------------------------

  // The stints of the card: a state's memberships or an organization's members, each with
  // every source's claim (STINTS); with a date, those that may cover it, each with how sure
  // that is (STINTS_AT). The queries are plain lines, so that the tests can run them.
  var STINT = [
    'fragment Stint on Membership {',
    '  id role endReason disputed disagreements',
    '  claims {',
    '    role start { iso year } end { iso year } startRange { earliest latest } endRange { earliest latest }',
    '    startBounds { notBefore { iso } notAfter { iso } } endBounds { notBefore { iso } notAfter { iso } }',
    '    asOf { iso } source { document { slug title } }',
    '  }',
    // unknownYears: the years without data, of the stint (Membership.unknownYears) and of
    // each source's claim (MembershipClaim.unknownYears). This one line asks for them; the
    // page names them where the answer has them (stintDates, claimDates), none without it.
    '  unknownYears claims { unknownYears }',
    '}',
  ];
  var STINTS = [
    'query ExploreStints($id: ID!) {',
    '  node(id: $id) {',
    '    ... on State { memberships { ...Stint organization { id name acronym } } }',
    '    ... on Organization { members { ...Stint member { __typename id name ... on Organization { acronym } } } }',
    '  }',
    '}',
  ].concat(STINT).join('\n');
  var STINTS_AT = [
    'query ExploreStintsAt($id: ID!, $at: Date!) {',
    '  node(id: $id) {',
    '    ... on State { memberships(at: $at, certainty: POSSIBLE) { ...Stint covers(at: $at) organization { id name acronym } } }',
    '    ... on Organization { members(at: $at, certainty: POSSIBLE) { ...Stint covers(at: $at) member { __typename id name ... on Organization { acronym } } } }',
    '  }',
    '}',
  ].concat(STINT).join('\n');

  var COVERS = { KNOWN: 'certainly', POSSIBLE: 'possibly' };

  function renderStints(n, stints) {
    var box = $('stints');
    box.textContent = '';
    if (!stints) return;
    var isState = n.__typename === 'State';
    var what = isState ? 'Memberships' : 'Members';
    var summary = what + ': ' + stints.length + (stints.length === 1 ? ' stint' : ' stints') +
      (state.at ? ' that may cover ' + state.at : '');
    var details = el('details', { class: 'stints' }, [el('summary', { text: summary })]);
    details.open = stints.length > 0 && stints.length <= 20;
    var list = el('ul', {});
    stints.forEach(function (m) {
      var other = isState ? m.organization : m.member;
      var link = el('a', { href: '/explore?id=' + encodeURIComponent(other.id), text: other.acronym || other.name, title: other.name });
      link.addEventListener('click', function (ev) {
        if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
        ev.preventDefault();
        $('q').value = other.name;
        navigate({ id: other.id });
      });
      var head = [link, ' · ' + words(m.role)];
      if (m.endReason) head.push(' · ' + words(m.endReason));
      if (m.disputed) head.push(' ', el('span', { class: 'disputed', text: 'disputed', title: m.disagreements.join('\n') }));
      if (state.at && m.covers) {
        head.push(' ', el('span', { class: 'covers ' + m.covers.toLowerCase(), text: COVERS[m.covers] + (state.at.length === 10 ? ' on ' : ' in ') + state.at }));
      }
      var item = el('li', { 'data-id': m.id }, [el('div', {}, head), el('div', { class: 'when', text: stintDates(m) })]);
      if (m.claims.length > 1) {
        var claims = el('ul', { class: 'claims' });
        m.claims.forEach(function (c) {
          claims.appendChild(el('li', { title: c.source.document.title }, [
            el('span', { class: 'doc', text: c.source.document.slug + ': ' }),
            words(c.role) + ', ' + claimDates(c, c.unknownYears),
          ]));
        });
        item.appendChild(claims);
      }
      list.appendChild(item);
    });
    if (!stints.length) list.appendChild(el('li', { class: 'none', text: state.at ? 'None that may cover ' + state.at + '.' : 'None.' }));
    details.appendChild(list);
    box.appendChild(details);
  }

  function loadStints(n, seq) {
    var vars = { id: n.id };
    if (state.at) vars.at = state.at;
    $('stints').textContent = '';
    return gql(state.at ? STINTS_AT : STINTS, vars).then(function (data) {
      if (seq !== loadSeq || !data.node) return;
      renderStints(n, n.__typename === 'State' ? data.node.memberships : data.node.members);
    }).catch(function (e) {
      if (seq !== loadSeq) return;
      $('stints').textContent = '';
      $('stints').appendChild(el('p', { class: 'error', text: 'The stints could not be read: ' + e.message }));
    });
  }

  // ---- The timeline ------------------------------------------------------------------

  function renderTimeline(n) {
    // With a date, the stints that may cover it, as the card's list keeps them; the chart
    // draws what of their dates is unknown.
    var u = 'timeline/' + encodeURIComponent(n.id) + '.svg' +
      (state.at ? '?at=' + encodeURIComponent(state.at) + '&certainty=POSSIBLE' : '');
    var img = $('timeline');
    img.alt = (n.__typename === 'State' ? n.name + "'s memberships" : n.name + "'s members") + ' over time';
    img.classList.remove('failed');
    img.src = u;
    $('timeline-link').href = u;
  }
  $('timeline').addEventListener('error', function () {
    $('timeline').classList.add('failed');
    $('timeline').alt = 'The timeline could not be drawn.';
  });

  // ---- The neighbourhood graph -------------------------------------------------------

  var NEIGHBORHOOD = 'query ExploreNeighborhood($id: ID!, $depth: Int, $at: Date, $max: Int) {\n' +
    '  neighborhood(id: $id, depth: $depth, at: $at, maxNodes: $max) {\n' +
    '    truncated\n' +
    '    nodes { __typename id\n' +
    '      ... on Actor { name } ... on Organization { acronym }\n' +
    '      ... on Event { title } ... on Provision { title } ... on Position { title } ... on Document { title }\n' +
    '      ... on Place { name } ... on Person { name } ... on Quote { text } ... on Citation { number } }\n' +
    '    edges { from { id } to { id } relation }\n' +
    '  }\n}';

  function labelOf(n) {
    var s = n.acronym || n.name || n.title || n.text || (n.number != null ? 'note ' + n.number : n.__typename);
    return s.length > 22 ? s.slice(0, 20) + '…' : s;
  }
  function fullName(n) {
    return n.name || n.title || n.text || (n.number != null ? 'Footnote ' + n.number : n.__typename);
  }

  var STYLE = [
    { selector: 'node', style: {
      'background-color': '#9aa0a6', width: 10, height: 10, label: 'data(label)', 'font-size': 8,
      color: '#444', 'text-valign': 'bottom', 'text-margin-y': 2 } },
    { selector: 'node.State', style: { 'background-color': '#1a73e8', width: 18, height: 18, 'font-size': 10, color: '#111' } },
    { selector: 'node.Organization', style: {
      'background-color': '#e37400', shape: 'round-rectangle', width: 20, height: 14, 'font-size': 10, color: '#111' } },
    { selector: 'node.centre', style: {
      width: 30, height: 30, 'border-width': 3, 'border-color': '#202124', 'font-size': 13, 'font-weight': 'bold' } },
    { selector: 'node.actor', style: { 'text-outline-color': '#fff', 'text-outline-width': 2 } },
    // Events, places and the like are named on hover only: their titles are long.
    { selector: 'node[kind != "State"][kind != "Organization"]', style: { label: '' } },
    { selector: 'node.hover', style: { label: 'data(label)', 'z-index': 10, 'border-width': 2, 'border-color': '#5f6368', 'text-background-color': '#fff',
      'text-background-opacity': 0.9, 'text-background-padding': 2 } },
    { selector: 'edge', style: {
      width: 1, 'line-color': '#c4c7c5', 'curve-style': 'straight', 'target-arrow-shape': 'triangle',
      'target-arrow-color': '#c4c7c5', 'arrow-scale': 0.6, label: '', 'font-size': 8 } },
    { selector: 'edge.hover', style: {
      width: 2, 'line-color': '#5f6368', 'target-arrow-color': '#5f6368', label: 'data(relation)',
      'text-background-color': '#fff', 'text-background-opacity': 0.9, 'text-background-padding': 2 } },
  ];

  function renderGraph(centreId, hood) {
    var box = $('graph');
    // Distance from the centre, for a concentric layout: the centre in the middle, its
    // neighbours around it, theirs further out.
    var adj = {};
    hood.edges.forEach(function (e) {
      (adj[e.from.id] = adj[e.from.id] || []).push(e.to.id);
      (adj[e.to.id] = adj[e.to.id] || []).push(e.from.id);
    });
    var dist = {};
    dist[centreId] = 0;
    var queue = [centreId];
    while (queue.length) {
      var v = queue.shift();
      (adj[v] || []).forEach(function (w) {
        if (!(w in dist)) { dist[w] = dist[v] + 1; queue.push(w); }
      });
    }
    // Each distance is drawn as one ring per 20 nodes or so, the nodes dealt out in turn,
    // so that neighbouring labels do not overlap.
    var perDist = {};
    hood.nodes.forEach(function (n) {
      var d = n.id in dist ? dist[n.id] : 4;
      perDist[d] = (perDist[d] || 0) + 1;
    });
    var dealt = {};
    var byId = {};
    var elements = hood.nodes.map(function (n) {
      byId[n.id] = n;
      var d = n.id in dist ? dist[n.id] : 4;
      var rings = Math.max(1, Math.min(4, Math.ceil(perDist[d] / (22 * (d + 1)))));
      var ring = (dealt[d] = (dealt[d] || 0) + 1) % rings;
      var actor = n.__typename === 'State' || n.__typename === 'Organization';
      return { group: 'nodes', classes: [n.__typename, actor ? 'actor' : '', n.id === centreId ? 'centre' : ''].join(' '),
        data: { id: n.id, label: labelOf(n), kind: n.__typename, level: 100 - d * 10 - ring } };
    });
    hood.edges.forEach(function (e, i) {
      if (!byId[e.from.id] || !byId[e.to.id]) return;
      elements.push({ group: 'edges', data: { id: 'e' + i, source: e.from.id, target: e.to.id, relation: e.relation } });
    });
    if (cy) cy.destroy();
    cy = cytoscape({
      container: box,
      elements: elements,
      style: STYLE,
      minZoom: 0.2,
      maxZoom: 3,
      layout: {
        name: 'concentric', animate: false, minNodeSpacing: 12, padding: 16,
        concentric: function (node) { return node.data('level'); },
        levelWidth: function () { return 1; },
      },
    });
    cy.on('tap', 'node', function (ev) {
      var n = byId[ev.target.id()];
      if (n.id === centreId) return;
      if (n.__typename === 'State' || n.__typename === 'Organization') {
        $('q').value = n.name;
        navigate({ id: n.id });
      } else {
        $('graph-note').textContent = n.__typename + ': ' + fullName(n);
      }
    });
    cy.on('mouseover', 'node', function (ev) {
      var n = byId[ev.target.id()];
      ev.target.addClass('hover');
      ev.target.connectedEdges().addClass('hover');
      box.title = n.__typename + ': ' + fullName(n);
      box.style.cursor = (n.__typename === 'State' || n.__typename === 'Organization') && n.id !== centreId ? 'pointer' : '';
    });
    cy.on('mouseout', 'node', function (ev) {
      ev.target.removeClass('hover');
      ev.target.connectedEdges().removeClass('hover');
      box.title = '';
      box.style.cursor = '';
    });
    cy.on('mouseover', 'edge', function (ev) { ev.target.addClass('hover'); });
    cy.on('mouseout', 'edge', function (ev) { ev.target.removeClass('hover'); });

    var kinds = {};
    hood.nodes.forEach(function (n) { kinds[n.__typename] = (kinds[n.__typename] || 0) + 1; });
    $('graph-note').textContent = hood.nodes.length + ' nodes, ' + hood.edges.length + ' links' +
      (hood.truncated ? ' (the first ' + MAX_NODES + ' reached; more lie beyond)' : '') + ' · ' +
      Object.keys(kinds).sort().map(function (k) { return kinds[k] + ' ' + k; }).join(', ');
    // The drawing, for the browser's console and for tests: $('#graph').cy.nodes() ...
    box.cy = cy;
    box.setAttribute('data-centre', centreId);
    box.setAttribute('data-depth', String(state.depth));
    box.setAttribute('data-at', state.at);
    box.setAttribute('data-nodes', String(cy.nodes().length));
    box.setAttribute('data-edges', String(cy.edges().length));
  }

  // ---- Loading a node ----------------------------------------------------------------

  function load() {
    var seq = ++loadSeq;
    showMessage('');
    if (!state.id) {
      $('content').hidden = true;
      $('start').hidden = false;
      return;
    }
    $('start').hidden = true;
    document.body.classList.add('loading');
    gql(CARD, { id: state.id }).then(function (data) {
      if (seq !== loadSeq) return;
      var n = data.node;
      if (!n) throw new Error('nothing in the graph has the ID "' + state.id + '"');
      if (n.__typename !== 'State' && n.__typename !== 'Organization') {
        throw new Error('"' + state.id + '" is a ' + n.__typename.toLowerCase() + ', not a state or organization');
      }
      document.title = n.name + ' · treatygraph · Explore';
      if (document.activeElement !== $('q')) $('q').value = n.name; // when opened by URL or a click
      renderCard(n);
      loadStints(n, seq);
      renderTimeline(n);
      $('content').hidden = false;
      $('graph').setAttribute('data-state', 'loading');
      return gql(NEIGHBORHOOD, { id: n.id, depth: state.depth, at: state.at || null, max: MAX_NODES }).then(function (d) {
        if (seq !== loadSeq) return;
        renderGraph(n.id, d.neighborhood);
        $('graph').setAttribute('data-state', 'ready');
      });
    }).catch(function (e) {
      if (seq !== loadSeq) return;
      $('content').hidden = true;
      $('start').hidden = false;
      $('graph').setAttribute('data-state', 'failed');
      showMessage('Cannot show this: ' + e.message + '. Search for a state or organization above.', 'error');
    }).then(function () {
      if (seq === loadSeq) document.body.classList.remove('loading');
    });
  }

  readURL();
  load();
})();
