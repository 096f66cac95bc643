/* Renders LINE Flex Message containers (bubble, carousel) as HTML, close to how LINE draws them.
   Flex.render(contents, {onAction, imageUrl}) -> HTMLElement */
(function () {
  "use strict";

  const TEXT_SIZE = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
  const SPACE = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const IMAGE_SIZE = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, "3xl": 180, "4xl": 200, "5xl": 220 };
  const ICON_SIZE = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
  const BUBBLE_WIDTH = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 386 };
  const RADIUS = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const BORDER = { none: 0, light: 0.5, normal: 1, medium: 2, "semi-bold": 3, bold: 4 };

  function px(value, table) {
    if (value === undefined || value === null) return null;
    if (table && value in table) return table[value] + "px";
    return String(value);
  }

  function el(tag, cls) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    return node;
  }

  function clickable(node, action, ctx) {
    if (!action) return;
    node.classList.add("fx-action");
    node.setAttribute("role", "button");
    node.tabIndex = 0;
    node.title = action.label || action.text || action.uri || "";
    node.addEventListener("click", (event) => {
      event.stopPropagation();
      ctx.onAction(action);
    });
  }

  function applyCommon(node, c, parentLayout, index, parentSpacing) {
    const margin = c.margin !== undefined ? px(c.margin, SPACE) : index > 0 ? parentSpacing : null;
    if (margin) node.style[parentLayout === "vertical" ? "marginTop" : "marginLeft"] = margin;
    const grow = c.flex !== undefined ? c.flex : parentLayout === "vertical" ? 0 : 1;
    if (c.type !== "separator" && c.type !== "spacer") {
      node.style.flex = grow > 0 ? `${grow} 1 0px` : "0 1 auto";
    }
    if (c.gravity && parentLayout !== "vertical") {
      node.style.alignSelf = { top: "flex-start", bottom: "flex-end", center: "center" }[c.gravity] || "";
    }
    if (c.position === "absolute") {
      node.style.position = "absolute";
      for (const side of ["Top", "Bottom", "Start", "End"]) {
        const value = c["offset" + side];
        if (value !== undefined) {
          const css = { Top: "top", Bottom: "bottom", Start: "left", End: "right" }[side];
          node.style[css] = px(value, SPACE);
        }
      }
    } else {
      for (const [side, css] of [["Top", "top"], ["Bottom", "bottom"], ["Start", "left"], ["End", "right"]]) {
        const value = c["offset" + side];
        if (value !== undefined) {
          node.style.position = "relative";
          node.style[css] = px(value, SPACE);
        }
      }
    }
  }

  function box(c, ctx) {
    const layout = c.layout || "vertical";
    const node = el("div", "fx-box fx-" + layout);
    const spacing = c.spacing ? px(c.spacing, SPACE) : null;
    (c.contents || []).forEach((child, i) => node.appendChild(component(child, ctx, layout, i, spacing)));
    if (c.backgroundColor) node.style.backgroundColor = c.backgroundColor;
    if (c.background && c.background.type === "linearGradient") {
      const stops = [c.background.startColor, c.background.centerColor, c.background.endColor].filter(Boolean);
      node.style.backgroundImage = `linear-gradient(${c.background.angle || "0deg"}, ${stops.join(", ")})`;
    }
    if (c.borderColor) node.style.borderColor = c.borderColor;
    if (c.borderWidth) {
      node.style.borderStyle = "solid";
      node.style.borderWidth = px(c.borderWidth, BORDER);
    }
    if (c.cornerRadius) node.style.borderRadius = px(c.cornerRadius, RADIUS);
    if (c.width) node.style.width = c.width;
    if (c.maxWidth) node.style.maxWidth = c.maxWidth;
    if (c.height) node.style.height = c.height;
    if (c.maxHeight) node.style.maxHeight = c.maxHeight;
    if (c.paddingAll) node.style.padding = px(c.paddingAll, SPACE);
    for (const side of ["Top", "Bottom", "Start", "End"]) {
      const value = c["padding" + side];
      const css = { Top: "paddingTop", Bottom: "paddingBottom", Start: "paddingLeft", End: "paddingRight" }[side];
      if (value !== undefined) node.style[css] = px(value, SPACE);
    }
    if (c.justifyContent) node.style.justifyContent = c.justifyContent;
    if (c.alignItems) node.style.alignItems = c.alignItems;
    clickable(node, c.action, ctx);
    return node;
  }

  function textNode(c, ctx) {
    const node = el("div", "fx-text");
    const spans = (c.contents || []).filter((s) => s.type === "span");
    if (spans.length) {
      for (const s of spans) {
        const span = el("span");
        span.textContent = s.text || "";
        styleText(span, s);
        node.appendChild(span);
      }
    } else {
      node.textContent = c.text || "";
    }
    styleText(node, c);
    node.style.textAlign = { start: "left", end: "right", center: "center" }[c.align] || "left";
    if (c.wrap) {
      node.classList.add("fx-wrap");
      if (c.maxLines) {
        node.classList.add("fx-clamp");
        node.style.webkitLineClamp = String(c.maxLines);
      }
    } else {
      node.classList.add("fx-nowrap");
    }
    if (c.lineSpacing) node.style.lineHeight = `calc(1.4em + ${c.lineSpacing})`;
    clickable(node, c.action, ctx);
    return node;
  }

  function styleText(node, c) {
    if (c.size) node.style.fontSize = px(c.size, TEXT_SIZE);
    if (c.weight === "bold") node.style.fontWeight = "700";
    if (c.color) node.style.color = c.color;
    if (c.style === "italic") node.style.fontStyle = "italic";
    if (c.decoration && c.decoration !== "none") node.style.textDecoration = c.decoration;
  }

  function image(c, ctx) {
    const frame = el("div", "fx-image");
    const [w, h] = String(c.aspectRatio || "1:1").split(":").map(Number);
    const size = c.size || "md";
    frame.style.width = size === "full" ? "100%" : px(size, IMAGE_SIZE);
    frame.style.maxWidth = "100%";
    frame.style.alignSelf = { start: "flex-start", end: "flex-end" }[c.align] || "center";
    const holder = el("div", "fx-image-holder");
    holder.style.aspectRatio = `${w || 1} / ${h || 1}`;
    if (c.backgroundColor) holder.style.backgroundColor = c.backgroundColor;
    const img = el("img");
    img.src = ctx.imageUrl(c.url);
    img.alt = "";
    img.loading = "lazy";
    img.dataset.original = c.url;
    img.style.objectFit = c.aspectMode === "cover" ? "cover" : "contain";
    holder.appendChild(img);
    frame.appendChild(holder);
    if (c.action) clickable(frame, c.action, ctx);
    else frame.addEventListener("click", () => ctx.onImage && ctx.onImage(c.url));
    return frame;
  }

  function icon(c, ctx) {
    const img = el("img", "fx-icon");
    img.src = ctx.imageUrl(c.url);
    img.alt = "";
    const size = px(c.size || "md", ICON_SIZE);
    const [w, h] = String(c.aspectRatio || "1:1").split(":").map(Number);
    img.style.height = size;
    img.style.width = `calc(${size} * ${(w || 1) / (h || 1)})`;
    return img;
  }

  function button(c, ctx) {
    const style = c.style || "link";
    const node = el("button", `fx-button fx-button-${style} fx-button-${c.height || "md"}`);
    node.type = "button";
    node.textContent = (c.action && c.action.label) || "";
    if (c.color) {
      if (style === "link") node.style.color = c.color;
      else node.style.backgroundColor = c.color;
    }
    clickable(node, c.action, ctx);
    return node;
  }

  function separator(c, parentLayout) {
    const node = el("div", "fx-separator " + (parentLayout === "vertical" ? "fx-separator-h" : "fx-separator-v"));
    if (c.color) node.style.borderColor = c.color;
    return node;
  }

  function spacer(c, parentLayout) {
    const node = el("div", "fx-spacer");
    const size = px(c.size || "md", SPACE);
    node.style[parentLayout === "vertical" ? "height" : "width"] = size;
    node.style.flex = "0 0 auto";
    return node;
  }

  function component(c, ctx, parentLayout, index, parentSpacing) {
    let node;
    switch (c.type) {
      case "box": node = box(c, ctx); break;
      case "text": node = textNode(c, ctx); break;
      case "image": node = image(c, ctx); break;
      case "icon": node = icon(c, ctx); break;
      case "button": node = button(c, ctx); break;
      case "separator": node = separator(c, parentLayout); break;
      case "spacer": node = spacer(c, parentLayout); break;
      case "filler": node = el("div", "fx-filler"); break;
      default:
        node = el("div", "fx-unknown");
        node.textContent = `[${c.type}]`;
    }
    applyCommon(node, c, parentLayout, index, parentSpacing);
    return node;
  }

  function block(name, c, bubble, ctx) {
    const node = c.type === "box" ? box(c, ctx) : component(c, ctx, "vertical", 0, null);
    node.style.flex = "";
    node.classList.add("fx-block", "fx-" + name);
    const style = (bubble.styles || {})[name] || {};
    if (style.backgroundColor && !c.backgroundColor) node.style.backgroundColor = style.backgroundColor;
    if (style.separator) {
      node.classList.add("fx-block-separator");
      if (style.separatorColor) node.style.borderTopColor = style.separatorColor;
    }
    return node;
  }

  function bubble(c, ctx) {
    const node = el("div", "fx-bubble");
    node.style.width = (BUBBLE_WIDTH[c.size || "mega"] || 300) + "px";
    if (c.direction === "rtl") node.dir = "rtl";
    for (const name of ["header", "hero", "body", "footer"]) {
      if (c[name]) node.appendChild(block(name, c[name], c, ctx));
    }
    clickable(node, c.action, ctx);
    return node;
  }

  function render(contents, ctx) {
    if (contents.type === "carousel") {
      const node = el("div", "fx-carousel");
      for (const item of contents.contents || []) node.appendChild(bubble(item, ctx));
      return node;
    }
    return bubble(contents, ctx);
  }

  /* Every image URL in a Flex container (heroes included), for the QR reader. */
  function images(contents) {
    const found = [];
    (function walk(value) {
      if (!value || typeof value !== "object") return;
      if (Array.isArray(value)) return value.forEach(walk);
      if (value.type === "image" && value.url) found.push(value.url);
      Object.values(value).forEach(walk);
    })(contents);
    return found;
  }

  window.Flex = { render, images };
})();
