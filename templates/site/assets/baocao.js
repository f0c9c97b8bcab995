/* baocao: the task register's filters (no other script of our own).
 *
 * Without JavaScript the status links jump to each status group of the table (sorted with
 * overdue tasks first), the year links open the page of a year (a large register), and the
 * lists under "Tìm theo …" link each year, unit and deadline month to its rows. With it, a
 * status link shows only its group ("Tất cả" shows every group again) and three lists (year of
 * issue, unit, deadline month, made from the rows' data-nam, data-don-vi and data-han) narrow
 * the rows at once. The status is kept in the address (#dang-thuc-hien-qua-han), so it can be
 * shared.
 */
(function () {
  "use strict";

  var SELECTS = [
    ["nam", "Năm giao", function (v) { return v; }],
    ["don-vi", "Đơn vị chủ trì", function (v) { return v; }],
    ["han", "Tháng đến hạn", function (v) { return "Tháng " + v; }]
  ];

  function monthKey(v) {
    var p = v.split("/");
    return Number(p[1]) * 100 + Number(p[0]);
  }

  function init() {
    var nav = document.querySelector("[data-bc-filter]");
    var table = document.getElementById("bang-nhiem-vu");
    if (!nav || !table || nav.dataset.bound) {
      return;
    }
    nav.dataset.bound = "true";
    var groups = Array.prototype.slice.call(table.querySelectorAll("tbody[data-group]"));
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr.bc-task"));
    var items = Array.prototype.slice.call(nav.querySelectorAll("a[data-filter]"));
    var result = nav.querySelector(".bc-filter__result");
    var more = nav.querySelector("[data-bc-filter-more]");
    var total = rows.length;
    var status = "";
    var selects = {};

    function known(value) {
      return items.some(function (a) {
        return value !== "" && a.getAttribute("data-filter") === value;
      });
    }

    function apply() {
      var shown = 0;
      var narrowed = false;
      groups.forEach(function (group) {
        var on = status === "" || group.getAttribute("data-group") === status;
        var visible = 0;
        Array.prototype.forEach.call(group.querySelectorAll("tr.bc-task"), function (row) {
          var keep = on && Object.keys(selects).every(function (key) {
            var want = selects[key].value;
            return want === "" || row.getAttribute("data-" + key) === want;
          });
          row.hidden = !keep;
          if (keep) visible += 1;
        });
        group.hidden = visible === 0;
        shown += visible;
      });
      Object.keys(selects).forEach(function (key) {
        if (selects[key].value !== "") narrowed = true;
      });
      items.forEach(function (a) {
        if (a.getAttribute("data-filter") === status) {
          a.setAttribute("aria-current", "true");
        } else {
          a.removeAttribute("aria-current");
        }
      });
      if (result) {
        result.textContent = status === "" && !narrowed ? "" :
          "Đang hiển thị " + shown + " trên " + total + " nhiệm vụ.";
      }
    }

    if (more) {
      SELECTS.forEach(function (spec) {
        var key = spec[0];
        var values = [];
        rows.forEach(function (row) {
          var v = row.getAttribute("data-" + key);
          if (v && values.indexOf(v) < 0) values.push(v);
        });
        if (values.length < 2) return;
        values.sort(function (a, b) {
          if (key === "nam") return Number(b) - Number(a);
          if (key === "han") return monthKey(a) - monthKey(b);
          return a.localeCompare(b, "vi");
        });
        var label = document.createElement("label");
        label.className = "bc-filter__select";
        var span = document.createElement("span");
        span.textContent = spec[1];
        var select = document.createElement("select");
        select.name = key;
        select.appendChild(new Option("Tất cả", ""));
        values.forEach(function (v) { select.appendChild(new Option(spec[2](v), v)); });
        select.addEventListener("change", apply);
        label.appendChild(span);
        label.appendChild(select);
        more.appendChild(label);
        selects[key] = select;
      });
      // The lists for readers without JavaScript are not needed when the selects are there.
      var index = document.querySelector("[data-bc-index]");
      if (index && Object.keys(selects).length) index.hidden = true;
    }

    items.forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        status = a.getAttribute("data-filter") || "";
        apply();
        var url = location.pathname + location.search + (status ? "#" + status : "");
        history.replaceState(null, "", url);
      });
    });

    var initial = decodeURIComponent(location.hash.replace(/^#/, ""));
    status = known(initial) ? initial : "";
    apply();
  }

  // With the theme's instant navigation (navigation.instant) pages are swapped without a reload,
  // and the theme announces each new page on document$. Without it, this runs once.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    init();
  }
})();
