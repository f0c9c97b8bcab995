/* baocao: the task register's status filter (no other script of our own).
 *
 * Without JavaScript the filter links jump to each status group of the table, which is already
 * sorted with overdue tasks first. With it, a link shows only its group; "Tất cả" shows every
 * group again. The choice is kept in the address (#dang-thuc-hien-qua-han), so it can be shared.
 */
(function () {
  "use strict";

  function init() {
    var nav = document.querySelector("[data-bc-filter]");
    var table = document.getElementById("bang-nhiem-vu");
    if (!nav || !table) {
      return;
    }
    var groups = Array.prototype.slice.call(table.querySelectorAll("tbody[data-group]"));
    var items = Array.prototype.slice.call(nav.querySelectorAll("a[data-filter]"));
    var result = nav.querySelector(".bc-filter__result");
    var total = table.querySelectorAll("tr.bc-task").length;

    function known(status) {
      return items.some(function (a) {
        return status !== "" && a.getAttribute("data-filter") === status;
      });
    }

    function apply(status) {
      var shown = 0;
      groups.forEach(function (group) {
        var on = status === "" || group.getAttribute("data-group") === status;
        group.hidden = !on;
        if (on) {
          shown += group.querySelectorAll("tr.bc-task").length;
        }
      });
      items.forEach(function (a) {
        if (a.getAttribute("data-filter") === status) {
          a.setAttribute("aria-current", "true");
        } else {
          a.removeAttribute("aria-current");
        }
      });
      if (result) {
        result.textContent = status === "" ? "" :
          "Đang hiển thị " + shown + " trên " + total + " nhiệm vụ.";
      }
    }

    items.forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        var status = a.getAttribute("data-filter") || "";
        apply(status);
        var url = location.pathname + location.search + (status ? "#" + status : "");
        history.replaceState(null, "", url);
      });
    });

    var initial = decodeURIComponent(location.hash.replace(/^#/, ""));
    apply(known(initial) ? initial : "");
  }

  // With the theme's instant navigation (navigation.instant) pages are swapped without a reload,
  // and the theme announces each new page on document$. Without it, this runs once.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    init();
  }
})();
