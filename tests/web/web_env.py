"""The web view tests' environment: the sample books (sample_books.sh), a private CA, a principals file
with a token per person, and lcp-ledgerd serving them over TLS with --web-listen. Shared by
browser_test.py; stops the server however the test ends."""

import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


class Books:
    def __init__(self, build):
        self.build = pathlib.Path(build)
        self.ledgerd = str(self.build / 'services' / 'lcp-ledgerd')
        self.lcp_binary = str(self.build / 'clients' / 'lcp')
        self.work = pathlib.Path(tempfile.mkdtemp(prefix='lcp-web-'))
        self.server = None
        subprocess.run(['bash', str(ROOT / 'tests/web/sample_books.sh'), str(self.build),
                        str(self.work / 'data')], check=True)
        subprocess.run(['bash', str(ROOT / 'scripts/dev-certs'), str(self.work / 'certs')],
                       check=True, stdout=subprocess.DEVNULL)
        self.ca = str(self.work / 'certs' / 'ca.pem')
        self.principals = str(self.work / 'principals')
        self.tokens = {}
        for principal, role, practice in [('officer@lcp', 'LCP_FINANCE', None),
                                          ('pct@lcp', 'PCT_FINANCE', None),
                                          ('auditor@nao', 'AUDITOR', None),
                                          ('riverside@lcp', 'PRACTICE', 'A81001'),
                                          ('hillview@lcp', 'PRACTICE', 'A81002'),
                                          ('script@lcp', 'PRACTICE', 'Y99999')]:
            args = [self.ledgerd, 'principal', 'add', '--principals', self.principals,
                    '--id', principal, '--role', role]
            if practice:
                args += ['--practice', practice]
            token = subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()
            self.tokens[principal] = token
            (self.work / (principal + '.token')).write_text(token + '\n')
        self.start()

    def start(self):
        for name in ('grpc.ready', 'web.ready'):
            (self.work / name).unlink(missing_ok=True)
        self.log = open(self.work / 'server.log', 'ab')
        certs = self.work / 'certs'
        self.server = subprocess.Popen(
            [self.ledgerd, '--data-dir', str(self.work / 'data'), '--listen', '127.0.0.1:0',
             '--ready-file', str(self.work / 'grpc.ready'), '--tls-cert', str(certs / 'server.pem'),
             '--tls-key', str(certs / 'server.key'), '--principals', self.principals,
             '--web-listen', '127.0.0.1:0', '--web-ready-file', str(self.work / 'web.ready')],
            stderr=self.log)
        for _ in range(1000):
            if (self.work / 'grpc.ready').exists() and (self.work / 'web.ready').exists():
                break
            if self.server.poll() is not None:
                raise RuntimeError('lcp-ledgerd stopped: ' + self.server_log())
            time.sleep(0.02)
        self.grpc = (self.work / 'grpc.ready').read_text().strip()
        self.web = 'https://' + (self.work / 'web.ready').read_text().strip()

    def server_log(self):
        return (self.work / 'server.log').read_text(errors='replace')

    def lcp_output(self, principal, *args):
        """What `lcp --output json ARGS` prints, as the principal."""
        done = subprocess.run([self.lcp_binary, '--server', self.grpc, '--ca-cert', self.ca,
                               '--token-file', str(self.work / (principal + '.token')),
                               '--output', 'json', *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError('lcp ' + ' '.join(args) + ' failed: ' + done.stderr)
        return done.stdout

    def lcp(self, principal, *args):
        """What `lcp --output json ARGS` prints, as the principal, parsed."""
        return json.loads(self.lcp_output(principal, *args))

    def lcp_lines(self, principal, *args):
        """What `lcp --output json ARGS` prints one JSON value a line (lcp entries), parsed."""
        return [json.loads(line) for line in self.lcp_output(principal, *args).splitlines()
                if line.strip()]

    def sighup(self):
        self.server.send_signal(signal.SIGHUP)

    def close(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
        shutil.rmtree(self.work, ignore_errors=True)
