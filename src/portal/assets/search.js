// desk portal: search over the knowledge base in the browser. The index
// (search-index.js) holds each public article's weighted token counts; a
// query is scored with BM25F exactly as `desk kb search` scores it
// (docs/kb.md, "Ranking"). Results are built with textContent only.
(function () {
  "use strict";
  var data = window.DESK_SEARCH;
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var hits = document.getElementById("hits");
  var nohits = document.getElementById("nohits");
  if (!data || !form || !input || !results || !hits || !nohits) return;
  var stop = new Set(data.stop);
  var has = Object.prototype.hasOwnProperty;

  function tokens(text) {
    return text.split(/[^\p{Alphabetic}\p{N}]+/u)
      .filter(function (w) { return Array.from(w).length > 1; })
      .map(function (w) { return w.toLowerCase(); })
      .filter(function (w) { return !stop.has(w); });
  }

  function search(query) {
    var terms = Array.from(new Set(tokens(query)));
    var n = data.docs.length;
    var scores = new Map();
    terms.forEach(function (t) {
      if (!has.call(data.terms, t)) return;
      var postings = data.terms[t];
      var idf = Math.log(1 + (n - postings.length + 0.5) / (postings.length + 0.5));
      postings.forEach(function (p) {
        var doc = data.docs[p[0]], f = p[1];
        var s = idf * f * (data.k1 + 1) /
          (f + data.k1 * (1 - data.b + data.b * doc.len / data.avglen));
        scores.set(p[0], (scores.get(p[0]) || 0) + s);
      });
    });
    return Array.from(scores.entries())
      .filter(function (e) { return e[1] > 0; })
      .sort(function (x, y) {
        if (y[1] !== x[1]) return y[1] - x[1];
        var a = data.docs[x[0]].slug, b = data.docs[y[0]].slug;
        return a < b ? -1 : a > b ? 1 : 0;
      })
      .map(function (e) { return data.docs[e[0]]; });
  }

  function show(query) {
    hits.textContent = "";
    if (!query.trim()) {
      results.hidden = true;
      return;
    }
    var found = search(query);
    found.slice(0, 20).forEach(function (doc) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "kb/" + encodeURIComponent(doc.slug) + "/";
      a.textContent = doc.title;
      li.appendChild(a);
      if (doc.category) {
        li.appendChild(document.createTextNode(" · " + doc.category));
      }
      var p = document.createElement("p");
      p.className = "summary";
      p.textContent = doc.summary;
      li.appendChild(p);
      hits.appendChild(li);
    });
    nohits.hidden = found.length > 0;
    results.hidden = false;
  }

  form.hidden = false;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    show(input.value);
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    try { window.history.replaceState(null, "", url.toString()); } catch (err) { /* file: pages */ }
  });
  input.addEventListener("input", function () { show(input.value); });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    show(initial);
  }
})();
