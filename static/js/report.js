/*
 * 归途 Guitu — the tip form, its receipt and the status page (tip_reports templates).
 *
 * Progressive enhancement only: every form works without this file. Translated texts come
 * from data-* attributes in the templates. No external scripts, no inline handlers.
 */
(function () {
  "use strict";

  function each(nodes, fn) {
    Array.prototype.forEach.call(nodes, fn);
  }

  /* Move focus to the error summary (or the rate-limit notice) so it is read out first. */
  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  /* "In immediate danger": show the emergency numbers next to the checkbox. */
  function urgentNumbers() {
    var box = document.querySelector("[data-urgent-numbers]");
    var checkbox = document.getElementById("id_urgent");
    if (!box || !checkbox) {
      return;
    }
    function update() {
      box.hidden = !checkbox.checked;
    }
    checkbox.addEventListener("change", update);
    update();
  }

  /* The grouped area select becomes a city select and a district/county select. The original
   * select stays in the form (hidden) and carries the value that is submitted. */
  function areaPicker() {
    var root = document.querySelector("[data-area-picker]");
    var source = root && root.querySelector("select");
    if (!source) {
      return;
    }
    var groups = source.querySelectorAll("optgroup");
    if (!groups.length) {
      return;
    }
    var id = source.id;
    var invalid = source.getAttribute("aria-invalid");
    source.id = id + "_source";
    source.hidden = true;
    source.removeAttribute("aria-describedby");
    source.removeAttribute("aria-invalid");
    source.setAttribute("aria-hidden", "true");
    source.tabIndex = -1;

    function makeSelect(selectId, labelText) {
      var wrapper = document.createElement("div");
      wrapper.className = "area-picker__part";
      var label = document.createElement("label");
      label.className = "area-picker__label";
      label.htmlFor = selectId;
      label.textContent = labelText;
      var select = document.createElement("select");
      select.id = selectId;
      if (invalid) {
        select.setAttribute("aria-invalid", invalid);
      }
      wrapper.appendChild(label);
      wrapper.appendChild(select);
      return { wrapper: wrapper, select: select };
    }

    var describedBy = [id + "_helptext", id + "_error"].filter(function (ref) {
      return document.getElementById(ref);
    }).join(" ");
    var picker = document.createElement("div");
    picker.className = "area-picker";
    var city = makeSelect(id, root.dataset.cityLabel);
    var county = makeSelect(id + "_county", root.dataset.countyLabel);
    if (describedBy) {
      city.select.setAttribute("aria-describedby", describedBy);
      county.select.setAttribute("aria-describedby", describedBy);
    }
    picker.appendChild(city.wrapper);
    picker.appendChild(county.wrapper);
    source.parentNode.insertBefore(picker, source.nextSibling);

    city.select.appendChild(new Option(root.dataset.chooseCity, ""));
    each(groups, function (group, index) {
      city.select.appendChild(new Option(group.label, String(index)));
    });

    function fillCounties(index, selected) {
      county.select.innerHTML = "";
      var group = groups[index];
      if (!group) {
        county.select.disabled = true;
        county.select.appendChild(new Option("—", ""));
        return;
      }
      county.select.disabled = false;
      each(group.querySelectorAll("option"), function (option, position) {
        var text = position === 0 ? root.dataset.wholeCity : option.textContent;
        var item = new Option(text, option.value);
        item.selected = option.value === selected;
        county.select.appendChild(item);
      });
    }

    // Start from the value the server rendered (after a failed submission).
    var current = source.value;
    var startIndex = "";
    each(groups, function (group, index) {
      each(group.querySelectorAll("option"), function (option) {
        if (option.value === current && current) {
          startIndex = String(index);
        }
      });
    });
    city.select.value = startIndex;
    fillCounties(startIndex === "" ? -1 : Number(startIndex), current);

    city.select.addEventListener("change", function () {
      var index = city.select.value === "" ? -1 : Number(city.select.value);
      fillCounties(index, "");
      source.value = index < 0 ? "" : county.select.value;
    });
    county.select.addEventListener("change", function () {
      source.value = county.select.value;
    });
  }

  /* "Use my location": fills the hidden latitude/longitude/accuracy inputs. */
  function locate() {
    var box = document.querySelector("[data-locate]");
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var accuracy = document.getElementById("id_location_accuracy");
    if (!box || !latitude || !longitude || !("geolocation" in navigator) || !window.isSecureContext) {
      return;
    }
    var button = box.querySelector("[data-locate-button]");
    var clear = box.querySelector("[data-locate-clear]");
    var status = box.querySelector("[data-locate-status]");
    box.hidden = false;

    function show(message, located) {
      status.textContent = message;
      clear.hidden = !located;
      box.classList.toggle("locate--found", Boolean(located));
    }

    if (latitude.value && longitude.value) {
      show(box.dataset.msgKept, true);
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      show(box.dataset.msgLocating, false);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          button.disabled = false;
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          var metres = Math.round(position.coords.accuracy || 0);
          if (accuracy) {
            accuracy.value = String(metres);
          }
          show(box.dataset.msgFound.replace("{metres}", String(metres)), true);
        },
        function (error) {
          button.disabled = false;
          show(error.code === 1 ? box.dataset.msgDenied : box.dataset.msgFailed, false);
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });

    clear.addEventListener("click", function () {
      latitude.value = "";
      longitude.value = "";
      if (accuracy) {
        accuracy.value = "";
      }
      show("", false);
      button.focus();
    });
  }

  /* A photo over the size limit is refused before it is uploaded over a slow connection. */
  function photoSize() {
    var input = document.getElementById("id_photo");
    if (!input || !input.files) {
      return;
    }
    var limit = Number(input.dataset.maxBytes || 0);
    var note = document.createElement("p");
    note.className = "form-field__error";
    note.hidden = true;
    note.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(note, input.nextSibling);
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (limit && file && file.size > limit) {
        note.textContent = input.dataset.msgTooLarge || "";
        note.hidden = false;
        input.value = "";
      } else {
        note.hidden = true;
      }
    });
  }

  /* One submission only: a second tap on a slow connection would send the report twice. */
  function submitOnce() {
    var form = document.querySelector("[data-tip-form]");
    if (!form) {
      return;
    }
    var button = form.querySelector("[data-submit]");
    var label = button ? button.textContent : "";
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.textContent = form.dataset.sendingLabel || label;
      }
      // If the connection fails, the visitor can try again after a while.
      window.setTimeout(reset, 20000);
    });
    function reset() {
      delete form.dataset.submitted;
      if (button) {
        button.removeAttribute("aria-disabled");
        button.textContent = label;
      }
    }
    // Coming back with the browser's back button: the form can be sent again.
    window.addEventListener("pageshow", reset);
  }

  /* The receipt: copy the reference number and secret code in one tap. */
  function copyReceipt() {
    var box = document.querySelector("[data-copy]");
    if (!box || !navigator.clipboard || !window.isSecureContext) {
      return;
    }
    var button = box.querySelector("[data-copy-button]");
    var status = box.querySelector("[data-copy-status]");
    box.hidden = false;
    button.addEventListener("click", function () {
      var lines = [];
      each(document.querySelectorAll(".receipt__item"), function (item) {
        var term = item.querySelector("dt");
        var value = item.querySelector("[data-copy-source]");
        if (term && value) {
          lines.push(term.textContent.trim() + ": " + value.textContent.trim());
        }
      });
      navigator.clipboard.writeText(lines.join("\n")).then(function () {
        status.textContent = box.dataset.copied;
      });
    });
  }

  focusErrors();
  urgentNumbers();
  areaPicker();
  locate();
  photoSize();
  submitOnce();
  copyReceipt();
})();
