"""A TCP proxy a test owns: 127.0.0.1:<random port> forwarded to a real server, which the
test can sever (every open connection closed, new ones closed on arrival) and restore."""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class Proxy:
    """Forward `127.0.0.1:port` to `127.0.0.1:target` until `sever`; `restore` lets it through."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        self.severed = False
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def sever(self) -> None:
        """Cut every connection now, and every new one as it arrives."""
        with self.lock:
            self.severed = True
            doomed, self.open = self.open, set()
        for sock in doomed:
            _close(sock)

    def restore(self) -> None:
        with self.lock:
            self.severed = False

    def close(self) -> None:
        self.closed = True
        self.sever()
        _close(self.listener)

    def __enter__(self) -> Proxy:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                severed = self.severed
            if severed:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self.lock:
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with self.lock:
                self.open -= {source, sink}
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
