/* The local area map (community): reads the tile server from the map's
   data attributes and the markers from the JSON data island
   (#community-map-data), so the page needs no inline script. The list above
   the map is the accessible equivalent: each marker carries the number of its
   entry in the list, is focusable (Tab) and named, and opens a link to it.

   Markers start far enough apart to tap each one (WCAG 2.5.8): the first
   zoom at which no two overlap, centred on the home. */
(function () {
  "use strict";

  var PIN = 28; // px, the marker's size
  var APART = 42; // px between centres: two PIN squares never overlap
  var MAX_ZOOM = 18;

  function spread(points) {
    // Two entries at the very same spot: move the later ones a few metres round it.
    var seen = {};
    points.forEach(function (p) {
      var key = p.lat.toFixed(5) + "," + p.lng.toFixed(5);
      var n = seen[key] || 0;
      if (n) {
        var angle = n * 2.4;
        p.lat += 0.00012 * n * Math.cos(angle);
        p.lng += 0.0002 * n * Math.sin(angle);
      }
      seen[key] = n + 1;
    });
  }

  function closest(map, latlngs, zoom) {
    var pts = latlngs.map(function (ll) { return map.project(ll, zoom); });
    var best = Infinity;
    for (var i = 0; i < pts.length; i++) {
      for (var j = i + 1; j < pts.length; j++) {
        var d = pts[i].distanceTo(pts[j]);
        if (d < best) { best = d; }
      }
    }
    return best;
  }

  function start() {
    var box = document.getElementById("community-map");
    var island = document.getElementById("community-map-data");
    if (!box || !island || typeof L === "undefined") {
      return;
    }
    var data = JSON.parse(island.textContent);
    var tiles = box.getAttribute("data-tiles");
    if (!tiles) {
      return;
    }
    var map = L.map(box, { scrollWheelZoom: false, keyboard: true, maxZoom: MAX_ZOOM });
    L.tileLayer(tiles, { maxZoom: MAX_ZOOM, attribution: box.getAttribute("data-attribution") || "" }).addTo(map);
    spread(data.points);
    var all = data.points.map(function (point) { return L.latLng(point.lat, point.lng); });
    var near = data.points.filter(function (point) {
      return point.miles !== null && point.miles <= 10;
    }).map(function (point) { return L.latLng(point.lat, point.lng); });
    var centre = data.home ? L.latLng(data.home.lat, data.home.lng) : null;
    // The view first (markers are drawn once the map has one).
    var view = (near.length ? near : all).concat(centre ? [centre] : []);
    if (view.length > 1) {
      map.fitBounds(L.latLngBounds(view), { padding: [24, 24], maxZoom: 15 });
    } else if (view.length === 1) {
      map.setView(view[0], 14);
    } else {
      map.setView([54.5, -3], 5);
    }
    var zoom = map.getZoom();
    while (zoom < MAX_ZOOM && all.length > 1 && closest(map, all, zoom) < APART) {
      zoom += 1;
    }
    if (zoom !== map.getZoom()) {
      map.setView(centre || map.getCenter(), zoom);
    }
    if (centre) {
      L.circleMarker(centre, {
        radius: 9, color: "#0a4f7a", weight: 3, fillColor: "#ffffff", fillOpacity: 1, interactive: false
      }).addTo(map);
    }
    data.points.forEach(function (point) {
      var label = point.number + ". " + point.name + ", " + point.kind + ", " + point.distance;
      var icon = L.divIcon({
        className: "map-pin" + (point.place ? " map-pin-place" : ""),
        html: String(point.number),
        iconSize: [PIN, PIN]
      });
      var marker = L.marker([point.lat, point.lng], { icon: icon, title: label, keyboard: true }).addTo(map);
      var element = marker.getElement();
      if (element) {
        element.setAttribute("aria-label", label);
      }
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name;
      var popup = document.createElement("div");
      popup.appendChild(link);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(point.kind + " · " + point.distance));
      marker.bindPopup(popup);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
