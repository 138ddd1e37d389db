// explore.js: the page at /explore. Find a state or organization by name, see its card with
// its stints (and what of their dates is unknown), its timeline (the SVG chart under
// /timeline/) and its neighbourhood in the graph, drawn with Cytoscape.js. Everything comes
// from the API at /graphql; the page keeps its place in the URL (?id=…&depth=…&at=…), so
// that it can be bookmarked and the back button works.
(function () {
  'use strict';

  var API = 'graphql';
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
  // The centre on top; under it its neighbours, grouped by kind: each group a box of
  // labelled nodes in columns, or, folded, one node ("44 events") that a click opens. At
  // depth 2, under them, the nodes two links away that are linked to the most neighbours, at
  // most FAR_DRAWN of them; the rest are counted in the drawing and listed under it, every
  // one. Positions are worked out here from sorted names, not by a force layout, so that the
  // same view is drawn the same way on every visit; the drawing is as tall as it needs to be
  // for its labels to be read at their size.

  var MAX_NODES = 400;  // asked of the API at either depth; the UN's 200 members fit
  var FAR_DRAWN = 48;   // most nodes two links away drawn
  var FOLD_OVER = 8;    // a group of events, provisions, people ... larger than this starts folded
  var FONT = 11;        // label size, in pixels at zoom 1
  var LABEL_W = 96;     // longest label; longer ones end in "…"
  var CELL_W = 116;     // a node and its label, side by side
  var CELL_H = 19;
  var PAD = 8;          // inside a group's box
  var TOP = 18;         // over a group's box, for its label
  var GAP = 14;         // between boxes

  var NEIGHBORHOOD = [
    'query ExploreNeighborhood($id: ID!, $depth: Int, $at: Date, $max: Int) {',
    '  neighborhood(id: $id, depth: $depth, at: $at, maxNodes: $max) {',
    '    truncated',
    '    nodes { __typename id',
    '      ... on Actor { name } ... on Organization { acronym }',
    '      ... on Event { title } ... on Provision { title } ... on Position { title } ... on Document { title }',
    '      ... on Place { name } ... on Person { name } ... on Quote { text } ... on Citation { number } }',
    '    edges { from { id } to { id } relation }',
    '  }',
    '}',
  ].join('\n');

  // Each kind of node: its name, plural, colour and shape, in the order groups are drawn.
  var KINDS = [
    ['State', 'state', 'states', '#1a73e8', 'ellipse'],
    ['Organization', 'organization', 'organizations', '#e37400', 'round-rectangle'],
    ['Event', 'event', 'events', '#8e24aa', 'diamond'],
    ['Provision', 'provision', 'provisions', '#00897b', 'rectangle'],
    ['Person', 'person', 'people', '#c2185b', 'octagon'],
    ['Position', 'position', 'positions', '#5e35b1', 'pentagon'],
    ['Place', 'place', 'places', '#6d4c41', 'triangle'],
    ['Quote', 'quote', 'quotes', '#827717', 'rhomboid'],
    ['Document', 'document', 'documents', '#37474f', 'rectangle'],
    ['Citation', 'footnote', 'footnotes', '#546e7a', 'tag'],
  ];
  function kindOf(t) {
    for (var i = 0; i < KINDS.length; i++) {
      if (KINDS[i][0] === t) return { order: i, one: KINDS[i][1], many: KINDS[i][2], colour: KINDS[i][3], shape: KINDS[i][4] };
    }
    var w = t.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return { order: KINDS.length, one: w, many: w + (/s$/.test(w) ? '' : 's'), colour: '#80868b', shape: 'hexagon' };
  }
  function isActor(t) { return t === 'State' || t === 'Organization'; }

  // Relations, by the colour of their lines and rings (the first that matches).
  var RELATIONS = [
    ['membership', /(^|has )member( of)?$/, '#0072b2'],
    ['observer', /observer/, '#e69f00'],
    ['associate', /associate/, '#009e73'],
    ['partner', /partner/, '#cc79a7'],
    ['prospective', /prospective/, '#7f7f7f'],
    ['took part, took place', /took part|participant|took place|involved|proposed/, '#8e24aa'],
    ['bodies and places', /body|contains|located|headquarter/, '#6d4c41'],
  ];
  var OTHER_RELATION = ['other', null, '#9e9e9e'];
  function relationOf(r) {
    for (var i = 0; i < RELATIONS.length; i++) if (RELATIONS[i][1].test(r)) return RELATIONS[i];
    return OTHER_RELATION;
  }

  function labelOf(n) {
    return n.acronym || n.name || n.title || n.text || (n.number != null ? 'note ' + n.number : n.__typename);
  }
  function fullName(n) {
    return n.name || n.title || n.text || (n.number != null ? 'Footnote ' + n.number : n.__typename);
  }
  function byLabel(a, b) {
    var x = labelOf(a).toLowerCase(), y = labelOf(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }
  function plural(n, k) { return n + ' ' + (n === 1 ? k.one : k.many); }

  // view works out the groups of a neighbourhood: the centre's neighbours by kind (near),
  // and the nodes further out by kind (far), the most linked drawn and the rest left out.
  function view(centreId, hood) {
    var byId = {};
    hood.nodes.forEach(function (n) { byId[n.id] = n; });
    var adj = {};
    var edges = [];
    hood.edges.forEach(function (e) {
      var f = e.from.id, t = e.to.id;
      if (!byId[f] || !byId[t] || f === t) return;
      edges.push({ from: f, to: t, relation: e.relation });
      (adj[f] = adj[f] || []).push(t);
      (adj[t] = adj[t] || []).push(f);
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
    var rel = {};   // a neighbour's relations with the centre, as written from the centre's side
    var links = {}; // how many neighbours a node further out is linked to
    edges.forEach(function (e) {
      if (e.from === centreId || e.to === centreId) {
        var o = e.from === centreId ? e.to : e.from;
        var words = e.from === centreId ? e.relation : e.relation + ' (of it)';
        rel[o] = rel[o] || [];
        if (rel[o].indexOf(words) < 0) rel[o].push(words);
      }
    });
    var nearOf = {};
    edges.forEach(function (e) {
      [[e.from, e.to], [e.to, e.from]].forEach(function (p) {
        if (dist[p[0]] === 1 && dist[p[1]] !== 1 && p[1] !== centreId) {
          var k = p[1] + '\u0000' + p[0];
          if (!nearOf[k]) { nearOf[k] = true; links[p[1]] = (links[p[1]] || 0) + 1; }
        }
      });
    });
    var groups = {};
    hood.nodes.forEach(function (n) {
      if (n.id === centreId) return;
      var far = dist[n.id] !== 1;
      var key = (far ? 'far:' : 'near:') + n.__typename;
      var g = groups[key] || (groups[key] = { key: key, kind: n.__typename, k: kindOf(n.__typename), far: far, nodes: [], relations: {} });
      g.nodes.push(n);
      (rel[n.id] || []).forEach(function (r) { g.relations[r] = (g.relations[r] || 0) + 1; });
    });
    var list = Object.keys(groups).map(function (k) { return groups[k]; });
    list.forEach(function (g) {
      g.nodes.sort(g.far ? function (a, b) { return (links[b.id] || 0) - (links[a.id] || 0) || byLabel(a, b); } : byLabel);
      g.drawn = g.nodes.slice();
      g.left = [];
    });
    // The nodes further out most linked to the neighbours are drawn, FAR_DRAWN at most.
    var far = [];
    list.forEach(function (g) { if (g.far) far = far.concat(g.nodes); });
    far.sort(function (a, b) {
      return (links[b.id] || 0) - (links[a.id] || 0) || kindOf(a.__typename).order - kindOf(b.__typename).order || byLabel(a, b);
    });
    var drawnFar = {};
    far.slice(0, FAR_DRAWN).forEach(function (n) { drawnFar[n.id] = true; });
    list.forEach(function (g) {
      if (!g.far) return;
      g.drawn = g.nodes.filter(function (n) { return drawnFar[n.id]; });
      g.left = g.nodes.filter(function (n) { return !drawnFar[n.id]; });
    });
    list.sort(function (a, b) { return (a.far - b.far) || a.k.order - b.k.order || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0); });
    return { byId: byId, edges: edges, dist: dist, rel: rel, links: links, groups: list, far: far.length, leftOut: Math.max(0, far.length - FAR_DRAWN) };
  }

  // A group is folded when the page last said so for this view, else when it is a large
  // group of things other than states and organizations.
  var folds = { view: '', set: {} };
  function folded(g) {
    if (g.key in folds.set) return folds.set[g.key];
    return !isActor(g.kind) && g.nodes.length > FOLD_OVER;
  }

  function groupTitle(g) {
    var t = plural(g.nodes.length, g.k) + (g.far ? ' two links away' : '');
    if (g.far && g.left.length) t += ', ' + g.drawn.length + ' drawn';
    return t;
  }
  // textWidth is about how wide a label of FONT pixels is (a little more, not less).
  function textWidth(s, bold) { return s.length * FONT * (bold ? 0.64 : 0.6); }
  function relationsText(g) {
    return Object.keys(g.relations).sort(function (a, b) { return g.relations[b] - g.relations[a] || (a < b ? -1 : 1); })
      .map(function (r) { return r + ' ' + g.relations[r]; }).join(', ');
  }

  // layout places the centre, the groups' boxes and their nodes, in model pixels, for a
  // drawing `width` wide at zoom 1, and returns Cytoscape's elements.
  function layout(centreId, v, width) {
    var els = [];
    var maxCols = Math.max(1, Math.floor((width - 2 * PAD) / CELL_W));
    var centre = v.byId[centreId];
    var ck = kindOf(centre.__typename);
    var name = fullName(centre) + (centre.acronym ? ' (' + centre.acronym + ')' : '');
    els.push({ group: 'nodes', classes: 'centre ' + centre.__typename,
      position: { x: Math.max(20, width / 2 - Math.min(440, textWidth(name, true) * 15 / FONT) / 2), y: 14 },
      data: { id: centreId, label: name, colour: ck.colour, shape: ck.shape, ring: '#202124' } });
    var y = 52;
    var placed = {};

    function shelves(groups, top) {
      // Each group's box: columns of CELL_W, rows of CELL_H, filled column by column.
      var boxes = groups.map(function (g) {
        // A group further out with none of its nodes drawn is one node that points to the list.
        var only = g.far && !g.drawn.length;
        var fold = !only && folded(g);
        var label = only ? '+' + plural(g.nodes.length, g.k) + ', listed'
          : fold ? plural(g.nodes.length, g.k) + (g.far ? ', ' + g.drawn.length + ' drawn when opened' : '') + ' ▸' : '';
        if (only || fold) {
          return { g: g, only: only, fold: fold, label: label, w: Math.min(LABEL_W * 3, textWidth(label, true)) + 30, h: CELL_H + 8 };
        }
        var cells = g.drawn.length + (g.left.length ? 1 : 0);
        var cols = Math.min(maxCols, Math.max(1, Math.ceil(cells / 8)));
        var rows = Math.ceil(cells / cols);
        return { g: g, cells: cells, cols: cols, rows: rows,
          w: Math.max(cols * CELL_W + 2 * PAD, textWidth(groupTitle(g) + ' ▾', true) + 12), h: TOP + rows * CELL_H + 2 * PAD };
      });
      // Shelves: boxes left to right, a new shelf when the next does not fit.
      var shelf = [], shelfW = 0, shelfH = 0, at = top;
      function flush() {
        var x = Math.max(0, (width - shelfW + GAP) / 2);
        shelf.forEach(function (b) { place(b, x, at); x += b.w + GAP; });
        at += shelfH + GAP;
        shelf = []; shelfW = 0; shelfH = 0;
      }
      boxes.forEach(function (b) {
        if (shelf.length && shelfW + b.w > width) flush();
        shelf.push(b); shelfW += b.w + GAP; shelfH = Math.max(shelfH, b.h);
      });
      if (shelf.length) flush();
      return at;
    }

    function place(b, x0, y0) {
      var g = b.g;
      var gid = 'group:' + g.key;
      if (b.only || b.fold) {
        els.push({ group: 'nodes', classes: b.only ? 'more alone' : 'fold', position: { x: x0 + 12, y: y0 + b.h / 2 },
          data: { id: gid, key: g.key, label: b.label, colour: b.only ? '#fff' : g.k.colour, shape: g.k.shape } });
        placed[gid] = true;
        return;
      }
      els.push({ group: 'nodes', classes: 'group', data: { id: gid, key: g.key, label: groupTitle(g) + ' ▾' } });
      var cells = g.drawn.slice();
      if (g.left.length) cells.push(null);
      cells.forEach(function (n, i) {
        var col = Math.floor(i / b.rows), row = i % b.rows;
        var pos = { x: x0 + PAD + col * CELL_W + 6, y: y0 + TOP + PAD + row * CELL_H + CELL_H / 2 };
        if (!n) {
          els.push({ group: 'nodes', classes: 'more', position: pos,
            data: { id: 'more:' + g.key, key: g.key, parent: gid, label: '+' + g.left.length + ' more, listed', colour: '#fff', shape: g.k.shape } });
          return;
        }
        var r = v.rel[n.id] || [];
        var ring = g.far ? '#fff' : relationOf(r[0] || '')[2];
        els.push({ group: 'nodes', classes: 'member ' + n.__typename, position: pos,
          data: { id: n.id, parent: gid, label: labelOf(n), colour: g.k.colour, shape: g.k.shape, ring: ring } });
        placed[n.id] = n.id;
      });
      placed[gid] = true;
    }

    var near = v.groups.filter(function (g) { return !g.far; });
    var far = v.groups.filter(function (g) { return g.far; });
    y = shelves(near, y);
    if (far.length) {
      var beyond = v.leftOut ? 'Two links away: the ' + FAR_DRAWN + ' most linked to the neighbours, of ' + v.far + '; the rest are listed under the drawing'
        : 'Two links away: ' + v.far;
      els.push({ group: 'nodes', classes: 'band', position: { x: 4, y: y + 8 }, data: { id: 'band:far', label: beyond } });
      y = shelves(far, y + 26);
    }

    // A line from the centre to each group of neighbours, in the colour of the relation most
    // of them have with it; the lines of a node are drawn when the pointer is on it.
    near.forEach(function (g) {
      var top = Object.keys(g.relations).sort(function (a, b) { return g.relations[b] - g.relations[a] || (a < b ? -1 : 1); })[0];
      els.push({ group: 'edges', classes: 'summary', data: { id: 'to:' + g.key, source: centreId, target: 'group:' + g.key,
        colour: relationOf(top || '')[2], relation: relationsText(g) } });
    });
    v.edges.forEach(function (e, i) {
      if (placed[e.from] !== e.from && e.from !== centreId) return;
      if (placed[e.to] !== e.to && e.to !== centreId) return;
      els.push({ group: 'edges', classes: 'link', data: { id: 'e' + i, source: e.from, target: e.to, relation: e.relation, colour: relationOf(e.relation)[2] } });
    });
    return els;
  }

  var STYLE = [
    { selector: 'node', style: {
      'background-color': 'data(colour)', shape: 'data(shape)', width: 11, height: 11, label: 'data(label)',
      'font-size': FONT, color: '#202124', 'text-valign': 'center', 'text-halign': 'right', 'text-margin-x': 4,
      'text-wrap': 'ellipsis', 'text-max-width': LABEL_W, 'min-zoomed-font-size': 0, 'text-events': 'yes' } },
    { selector: 'node.member', style: { 'border-width': 2.5, 'border-color': 'data(ring)' } },
    { selector: 'node.centre', style: {
      width: 26, height: 26, 'border-width': 3, 'border-color': '#202124', 'font-size': 15, 'font-weight': 'bold',
      'text-max-width': 440 } },
    { selector: 'node.group', style: {
      shape: 'round-rectangle', 'background-color': '#ffffff', 'background-opacity': 1, 'border-width': 1,
      'border-color': '#c4c7c5', 'text-valign': 'top', 'text-halign': 'center', 'text-margin-x': 0, 'text-margin-y': -3,
      'font-size': FONT, 'font-weight': 'bold', color: '#3c4043', 'text-max-width': 600, padding: 4,
      'text-background-color': '#fcfcfd', 'text-background-opacity': 1, 'text-background-padding': 2,
      'compound-sizing-wrt-labels': 'include' } },
    { selector: 'node.fold', style: {
      width: 22, height: 16, 'border-width': 2, 'border-color': '#202124', 'font-weight': 'bold', 'text-max-width': LABEL_W * 3,
      'text-background-color': '#fcfcfd', 'text-background-opacity': 1, 'text-background-padding': 2 } },
    { selector: 'node.more', style: {
      width: 11, height: 11, 'border-width': 1.5, 'border-style': 'dashed', 'border-color': '#5f6368',
      color: '#0b57d0', 'text-max-width': LABEL_W } },
    { selector: 'node.more.alone', style: { 'font-weight': 'bold', 'text-max-width': LABEL_W * 3 } },
    { selector: 'node.band', style: {
      width: 1, height: 1, 'background-opacity': 0, 'font-size': FONT + 1, 'font-style': 'italic', color: '#3c4043',
      'text-max-width': 900, events: 'no' } },
    { selector: 'node.hover', style: { 'underlay-color': '#5f6368', 'underlay-opacity': 0.15, 'underlay-padding': 4 } },
    { selector: 'edge', style: {
      width: 1.5, 'line-color': 'data(colour)', 'curve-style': 'straight', 'z-compound-depth': 'bottom', opacity: 0.8 } },
    { selector: 'edge.summary', style: { width: 3, opacity: 0.7 } },
    { selector: 'edge.link', style: { display: 'none' } },
    { selector: 'edge.link.show', style: { display: 'element', 'z-compound-depth': 'top', width: 2, opacity: 0.9 } },
  ];

  function swatch(cls, colour) {
    var s = el('span', { class: cls, 'aria-hidden': 'true' });
    s.style.backgroundColor = colour;
    return s;
  }

  // legend lists the kinds and relations the drawing shows, each with its colour.
  function renderLegend(v) {
    var box = $('graph-legend');
    box.textContent = '';
    var kinds = {};
    v.groups.forEach(function (g) { kinds[g.kind] = (kinds[g.kind] || 0) + g.nodes.length; });
    Object.keys(kinds).sort(function (a, b) { return kindOf(a).order - kindOf(b).order || (a < b ? -1 : 1); }).forEach(function (t) {
      var k = kindOf(t);
      box.appendChild(el('li', { class: 'kind', 'data-kind': t }, [
        swatch('swatch shape-' + k.shape, k.colour), plural(kinds[t], k)]));
    });
    var rels = {};
    v.edges.forEach(function (e) {
      var r = relationOf(e.relation);
      (rels[r[0]] = rels[r[0]] || { r: r, names: {} }).names[e.relation] = true;
    });
    RELATIONS.concat([OTHER_RELATION]).forEach(function (r) {
      if (!rels[r[0]]) return;
      var names = Object.keys(rels[r[0]].names).sort();
      box.appendChild(el('li', { class: 'relation', 'data-relation': r[0], title: names.join(', ') }, [
        swatch('line', r[2]),
        r[0] === OTHER_RELATION[0] ? names.length + ' other relations' : names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '')]));
    });
  }

  // renderList lists every node of the neighbourhood, by group: what the drawing folds or
  // leaves out is one click away here.
  function renderList(centreId, v) {
    var box = $('graph-list');
    box.textContent = '';
    v.groups.forEach(function (g) {
      var summary = plural(g.nodes.length, g.k) + (g.far ? ' two links away' : '');
      if (g.far && g.left.length) summary += ' · ' + g.drawn.length + ' drawn, ' + g.left.length + ' not drawn';
      else if (folded(g)) summary += ' · folded in the drawing';
      if (!g.far) summary += ' · ' + relationsText(g);
      var d = el('details', { 'data-group': g.key, 'data-count': String(g.nodes.length), 'data-drawn': String(folded(g) ? 0 : g.drawn.length) },
        [el('summary', { text: summary })]);
      var ul = el('ul', {});
      var drawn = {};
      g.drawn.forEach(function (n) { drawn[n.id] = true; });
      g.nodes.forEach(function (n) {
        var what = g.far ? (v.links[n.id] || 0) + ((v.links[n.id] || 0) === 1 ? ' link' : ' links') + ' to the neighbours'
          : (v.rel[n.id] || []).join(', ');
        var name = isActor(n.__typename) ? el('a', { href: '/explore?id=' + encodeURIComponent(n.id), text: fullName(n) })
          : el('span', { text: fullName(n) });
        if (name.tagName === 'A') {
          name.addEventListener('click', function (ev) {
            if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
            ev.preventDefault();
            $('q').value = n.name;
            navigate({ id: n.id });
          });
        }
        ul.appendChild(el('li', { 'data-id': n.id, class: drawn[n.id] ? '' : 'not-drawn' },
          [name, what ? ' · ' + what : null, drawn[n.id] ? null : el('span', { class: 'tag', text: 'not drawn' })]));
      });
      d.appendChild(ul);
      box.appendChild(d);
    });
  }

  function openInList(key) {
    var d = document.querySelector('#graph-list details[data-group="' + key + '"]');
    if (!d) return;
    d.open = true;
    d.classList.add('flash');
    setTimeout(function () { d.classList.remove('flash'); }, 1200);
    var first = d.querySelector('li.not-drawn') || d;
    first.scrollIntoView({ block: 'center' });
  }

  var current = null; // the neighbourhood drawn: { centre, hood, v }

  function renderGraph(centreId, hood) {
    var v = view(centreId, hood);
    var key = centreId + '|' + state.depth + '|' + state.at;
    if (folds.view !== key) folds = { view: key, set: {} };
    current = { centre: centreId, hood: hood, v: v };
    renderLegend(v);
    renderList(centreId, v);
    draw();

    var shown = v.groups.filter(function (g) { return !g.far; }).reduce(function (s, g) { return s + g.nodes.length; }, 0);
    var note = plural(shown, { one: 'neighbour', many: 'neighbours' });
    if (state.depth > 1) note += ', ' + v.far + ' two links away' + (v.leftOut ? ' (' + v.leftOut + ' not drawn, listed below)' : '');
    if (hood.truncated) note += '; the first ' + MAX_NODES + ' reached, more lie beyond';
    $('graph-note').textContent = note;
  }

  // draw draws the current neighbourhood with its groups folded or not.
  function draw() {
    var box = $('graph');
    var centreId = current.centre, v = current.v, byId = current.v.byId;
    var width = Math.max(360, box.clientWidth - 16);
    var els = layout(centreId, v, width);
    if (cy) cy.destroy();
    cy = cytoscape({
      container: box, elements: els, style: STYLE, layout: { name: 'preset', fit: false },
      minZoom: 0.3, maxZoom: 3, autoungrabify: true, boxSelectionEnabled: false,
    });
    // As tall as the drawing is at zoom 1 (or less, when it is wider than the box).
    var bb = cy.elements().boundingBox();
    var zoom = Math.min(cy.nodes().length > 60 ? 1 : 1.2, (box.clientWidth - 16) / bb.w);
    box.style.height = Math.max(220, Math.ceil(bb.h * zoom + 16)) + 'px';
    cy.resize();
    cy.zoom(zoom);
    cy.pan({ x: 8 - bb.x1 * zoom + Math.max(0, (box.clientWidth - 16 - bb.w * zoom) / 2), y: 8 - bb.y1 * zoom });

    cy.on('tap', 'node', function (ev) {
      var t = ev.target;
      if (t.hasClass('fold')) { folds.set[t.data('key')] = false; draw(); return; }
      if (t.hasClass('group')) { folds.set[t.data('key')] = true; draw(); return; }
      if (t.hasClass('more')) { openInList(t.data('key')); return; }
      var n = byId[t.id()];
      if (!n || n.id === centreId) return;
      if (isActor(n.__typename)) {
        $('q').value = n.name;
        navigate({ id: n.id });
      } else {
        $('graph-note').textContent = kindOf(n.__typename).one + ': ' + fullName(n);
      }
    });
    cy.on('mouseover', 'node', function (ev) {
      var t = ev.target;
      var n = byId[t.id()];
      t.addClass('hover');
      t.connectedEdges('.link').addClass('show');
      box.title = n ? kindOf(n.__typename).one + ': ' + fullName(n) + (v.rel[n.id] ? ' · ' + v.rel[n.id].join(', ') : '')
        : t.hasClass('group') ? 'Click to fold this group' : t.hasClass('fold') ? 'Click to open this group' : '';
      box.style.cursor = (n && isActor(n.__typename) && n.id !== centreId) || t.hasClass('group') || t.hasClass('fold') || t.hasClass('more') ? 'pointer' : '';
    });
    cy.on('mouseover', 'edge', function (ev) { box.title = ev.target.data('relation'); });
    cy.on('mouseout', 'edge', function () { box.title = ''; });
    cy.on('mouseout', 'node', function (ev) {
      ev.target.removeClass('hover');
      ev.target.connectedEdges('.link').removeClass('show');
      box.title = '';
      box.style.cursor = '';
    });

    // What is drawn, for the browser's console and for tests: $('#graph').cy.nodes() ...
    var data = cy.nodes().filter(function (n) { return !n.hasClass('group') && !n.hasClass('band'); });
    box.cy = cy;
    box.setAttribute('data-centre', centreId);
    box.setAttribute('data-depth', String(state.depth));
    box.setAttribute('data-at', state.at);
    box.setAttribute('data-nodes', String(current.hood.nodes.length));
    box.setAttribute('data-edges', String(current.hood.edges.length));
    box.setAttribute('data-drawn', String(data.length));
    box.setAttribute('data-groups', String(v.groups.length));
    box.setAttribute('data-left-out', String(v.leftOut));
  }

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (current && cy) draw(); }, 200);
  });

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
