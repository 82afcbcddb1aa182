// The work queue refreshes itself with htmx (hx-trigger="every Ns" on #queue-live); this only
// chimes when the count of orders new since the page was loaded goes up.
(function () {
  "use strict";
  var heard = 0;
  function newCount() {
    var badge = document.querySelector("#queue-live [data-new-count]");
    return badge ? parseInt(badge.getAttribute("data-new-count"), 10) || 0 : 0;
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var live = document.getElementById("queue-live");
    if (!live || event.target !== live) return;
    var count = newCount();
    if (count > heard) {
      var chimes = parseInt(live.getAttribute("data-chimes") || "0", 10) + 1;
      live.setAttribute("data-chimes", String(chimes));
      var audio = new Audio(live.getAttribute("data-sound"));
      // A browser may refuse sound before the user has touched the page; the badge still shows.
      audio.play().catch(function () {});
    }
    heard = count;
  });
})();
