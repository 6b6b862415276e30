/* Swagger UI of /api/v1/docs (api/api.py): its settings come from a data attribute of <body>, so the page
   holds no inline script (Content-Security-Policy: script-src 'self') and no text outside the UI.
   Swagger UI has no translations: its own labels are put into Chinese as it draws them (exact words
   only; the API's summaries and descriptions are Chinese already). */
(function () {
  var WORDS = {
    "Authorize": "填写令牌",
    "Authorized": "已填写",
    "Available authorizations": "可用的认证方式",
    "Logout": "清除",
    "Close": "关闭",
    "Try it out": "试用",
    "Execute": "执行",
    "Clear": "清空",
    "Cancel": "取消",
    "Parameters": "参数",
    "No parameters": "没有参数",
    "Request body": "请求体",
    "Responses": "响应",
    "Response body": "响应内容",
    "Response headers": "响应头",
    "Server response": "服务器的响应",
    "Request URL": "请求地址",
    "Curl": "curl 命令",
    "Code": "状态码",
    "Description": "说明",
    "Details": "详情",
    "Links": "链接",
    "No links": "无",
    "Name": "名称",
    "Value:": "值：",
    "Example Value": "示例",
    "Schema": "结构",
    "Schemas": "数据结构",
    "Media type": "媒体类型",
    "Controls Accept header.": "决定请求的 Accept 头。",
    "Download": "下载",
    "Loading...": "正在加载……",
    "Undocumented": "未说明",
    "required": "必填",
    "Send empty value": "发送空值",
    "Expand all": "全部展开",
    "Collapse all": "全部收起",
    "Filter by tag": "按分组筛选"
  };

  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue.trim();
      if (text && Object.prototype.hasOwnProperty.call(WORDS, text)) {
        node.nodeValue = node.nodeValue.replace(text, WORDS[text]);
      }
    }
    root.querySelectorAll("[placeholder]").forEach(function (el) {
      var p = el.getAttribute("placeholder");
      if (Object.prototype.hasOwnProperty.call(WORDS, p)) el.setAttribute("placeholder", WORDS[p]);
    });
  }

  var body = document.body;
  var config = JSON.parse(body.dataset.swaggerSettings);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  window.ui = SwaggerUIBundle(config);

  var target = document.getElementById("swagger-ui");
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      translate(target);
    });
  }).observe(target, { childList: true, subtree: true, characterData: true });
  translate(target);
})();
