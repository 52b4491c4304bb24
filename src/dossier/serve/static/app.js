// dossier 工作台: drag-and-drop uploads with a progress bar, and in-place cell edits.
// Plain JavaScript, no build step; htmx (vendored beside this file) does the polling.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function uploadOne(form, file, index, count, done) {
    var bar = form.querySelector(".upload-progress");
    var status = form.querySelector(".upload-status");
    var data = new FormData();
    data.append("csrf", csrf);
    data.append("files", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    };
    xhr.onload = function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = {message: "服务器返回了无法识别的答复"}; }
      if (xhr.status === 200 && answer.ok) {
        done(null, answer.generation);
      } else {
        done(answer.message || ("上传失败（" + xhr.status + "）"));
      }
    };
    xhr.onerror = function () { done("网络错误，上传未完成"); };
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "正在上传第 " + (index + 1) + "/" + count + " 个：" + file.name;
    xhr.send(data);
  }

  function uploadAll(form, files) {
    var status = form.querySelector(".upload-status");
    var list = Array.prototype.slice.call(files);
    var errors = [];
    var firstGeneration = null;
    function next(i) {
      if (i >= list.length) {
        if (errors.length) {
          status.textContent = errors.join("；");
          status.classList.add("alert");
        }
        if (firstGeneration !== null) {
          status.textContent = (errors.length ? errors.join("；") + "。" : "") + "上传完成，正在重新检查……";
          fetch("/api/wait?after=" + firstGeneration, {credentials: "same-origin"})
            .then(function () { window.location.reload(); });
        }
        return;
      }
      uploadOne(form, list[i], i, list.length, function (err, generation) {
        if (err) { errors.push(err); } else if (firstGeneration === null) { firstGeneration = generation; }
        next(i + 1);
      });
    }
    next(0);
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector('input[type="file"]');
    input.addEventListener("change", function () { if (input.files.length) { uploadAll(form, input.files); } });
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.remove("over"); });
    });
    form.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { uploadAll(form, e.dataTransfer.files); }
    });
  });

  document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () { field.form.requestSubmit(); });
  });
})();
