// Entry point of the chat webview bundle (dist/webview.js). The chat UI is built on this in the chat panel work.
export {};
