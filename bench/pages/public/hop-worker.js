// The Worker end of hop-sw.js: every port it is given answers each request at once, body transferred:
// "OK", or the request's own body when it has one.
const encoder = new TextEncoder();
self.onmessage = (event) => {
  const port = event.data.port;
  port.onmessage = (message) => {
    const body = message.data.body ?? encoder.encode('OK').buffer;
    port.postMessage(
      {
        type: 'response',
        id: message.data.id,
        status: 200,
        headers: [
          ['content-type', 'text/plain'],
          ['content-length', String(body.byteLength)],
        ],
        body,
      },
      [body],
    );
  };
};
