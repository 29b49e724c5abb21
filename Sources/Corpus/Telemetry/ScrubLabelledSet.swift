/// A labelled set for the scrubber, written for this project: snippets holding one secret or piece of
/// personal data (with the exact text that must disappear and its kind), and look-alikes from ordinary code
/// that must come out unchanged. All keys below are made up; none is live.
public struct ScrubCase: Sendable {
    public let text: String
    /// The sensitive substring (nil for a look-alike).
    public let secret: String?
    public let kind: ScrubKind?

    static func positive(_ kind: ScrubKind, _ secret: String, _ text: String) -> ScrubCase {
        ScrubCase(text: text.replacingOccurrences(of: "§", with: secret), secret: secret, kind: kind)
    }
    static func lookalike(_ text: String) -> ScrubCase { ScrubCase(text: text, secret: nil, kind: nil) }
}

public enum ScrubLabelledSet {
    public static let positives: [ScrubCase] = [
        // e-mail
        .positive(.email, "alice.smith@example.com", "# Maintainer: § (2019)\n"),
        .positive(.email, "bob+ci@corp.co.uk", "AUTHOR_EMAIL = \"§\"\n"),
        .positive(.email, "j_doe99@university.edu", "    send_mail(to=\"§\", subject=subject)\n"),
        .positive(.email, "dev-team@startup.io", "\"\"\"Contact § for access.\"\"\"\n"),
        .positive(.email, "carol@mail.de", "reply_to: §\n"),
        .positive(.email, "first.last@sub.domain.org", "<a href=\"mailto:§\">mail</a>\n"),
        .positive(.email, "x.y%z@host.net", "users = ['§']\n"),
        .positive(.email, "ops@alerts.internal", "cc: §\n"),
        // IPv4 / IPv6
        .positive(.ipAddress, "10.0.12.7", "DB_HOST = \"§\"\n"),
        .positive(.ipAddress, "192.168.1.23", "ssh admin@§ -p 2222\n"),
        .positive(.ipAddress, "172.16.254.1", "    server = ('§', 8080)\n"),
        .positive(.ipAddress, "83.12.201.7", "allowed_hosts: [§]\n"),
        .positive(.ipAddress, "8.8.4.4", "resolver §;\n"),
        .positive(.ipAddress, "54.231.10.200", "url = f\"http://§:9000/health\"\n"),
        .positive(.ipAddress, "2a02:6b8:85a3::8a2e:370:7334", "listen [§]:443;\n"),
        .positive(.ipAddress, "fe80::1ff:fe23:4567:890a", "iface = \"§\"\n"),
        .positive(.ipAddress, "2606:4700:4700:0:0:0:0:1111", "DNS6 = '§'\n"),
        .positive(.ipAddress, "fe80::1", "ping6 §%eth0\n"),
        .positive(.ipAddress, "::ffff:192.0.2.128", "peer = \"§\"\n"),
        // AWS, GCP, Azure
        .positive(.key, "AKIAQ3EGRT5YHJ7KXW2M", "aws_access_key_id = §\n"),
        .positive(.key, "ASIAZ7XK2LMN4PQR8STU", "creds = {\"AccessKeyId\": \"§\"}\n"),
        .positive(.secret, "kq9Xz3Lm/VbN7Tr2Yc8Wd5Hs1Jf4Gp6Ae0Ru+Qo", "aws_secret_access_key = §\n"),
        .positive(.key, "AIzaSyD4k9Qw7ErT2yUi8oP3aSdF6gHjKl1ZxCv", "GOOGLE_API_KEY = \"§\"\n"),
        .positive(.key, "ya29.a0AfH6SMBx7Qk3Lm9Zp2Rt5Vw8Yb1Nc4", "headers = {'Authorization': 'OAuth §'}\n"),
        .positive(.key, "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=",
                  "conn = \"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=§;EndpointSuffix=core.windows.net\"\n"),
        .positive(.key, "q8Xv2Lk9Pz4Rt7Wm1Nb5Yc3Hd6Jf0Gs8Ae2Uo4Ti=",
                  "SB = 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=§'\n"),
        .positive(.key, "Xk3%2Bq9Lm7Rt2Vw5Zb8Nc1Hd4Jf6Gs0",
                  "blob_url = \"https://acct.blob.core.windows.net/c/f.txt?sv=2021-08-06&sr=b&sig=§\"\n"),
        // GitHub, GitLab, Slack, Stripe, OpenAI
        .positive(.key, "ghp_4fKq9Lm2Xz7Rt5Vw8Yb1Nc3Hd6Jf0Gs2AeUo", "GITHUB_TOKEN=§\n"),
        .positive(.key, "gho_Zp3Lk8Qm1Xv6Rt9Wb4Nc7Hd2Jf5Gs0AeUo3Ti", "token: §\n"),
        .positive(.key, "github_pat_11ABCDEFG0xYz9Qw8Er7Ty_6Ui5Op4As3Df2Gh1Jk0LzXcVbNm",
                  "    gh = Github(\"§\")\n"),
        .positive(.key, "glpat-Xq7Lm2Rt9Vw4Zb1Nc8Hd", "export GITLAB_TOKEN=§\n"),
        .positive(.key, "xoxb-2048123456-4096123456789-Zq8Lm3Xv7Rt2Wb5Nc9Hd1Jf",
                  "client = WebClient(token=\"§\")\n"),
        .positive(.key, "xoxp-1111222233-4444555566-7777888899-abc123def456", "SLACK = '§'\n"),
        .positive(.key, "T01ABCDEF/B02GHIJKL/Zq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4",
                  "WEBHOOK = \"https://hooks.slack.com/services/§\"\n"),
        .positive(.key, "sk_live_51Hq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4Gs6Ae0", "stripe.api_key = \"§\"\n"),
        .positive(.key, "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "    stripe.api_key = '§'\n"),
        .positive(.key, "rk_live_Zq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4", "RESTRICTED = \"§\"\n"),
        .positive(.key, "whsec_Zq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4Gs6Ae0Uo", "endpoint_secret = '§'\n"),
        .positive(.key, "sk-proj-Zq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4Gs6Ae0UoKp3Ty7", "openai.api_key = \"§\"\n"),
        .positive(.key, "Zq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4Gs6Ae0",
                  "curl -H 'Authorization: Bearer §' https://api.example.com\n"),
        // private keys
        .positive(.privateKey, "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1x2y3z\nq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4==\n-----END RSA PRIVATE KEY-----",
                  "KEY = \"\"\"§\"\"\"\n"),
        .positive(.privateKey, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
                  "§\n"),
        .positive(.privateKey, "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----",
                  "{\"type\": \"service_account\", \"private_key\": \"§\\n\"}\n"),
        .positive(.privateKey, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4Gs6Ae0UoKp3Ty7",
                  "pem = '''§"),
        // JWT
        .positive(.jwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
                  "token = \"§\"\n"),
        .positive(.jwt, "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIn0.Zq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4Gs6Ae0UoKp3",
                  "    headers={\"Authorization\": f\"Bearer §\"}\n"),
        // passwords in URLs and connection strings
        .positive(.password, "s3cr3tP4ss", "DATABASE_URL = \"postgresql://app:§@db.internal:5432/prod\"\n"),
        .positive(.password, "hunter2!", "broker_url = 'amqp://guest:§@rabbit:5672//'\n"),
        .positive(.password, "Pa55w0rd", "mongodb://admin:§@cluster0.mongodb.net/test\n"),
        .positive(.password, "tiger42", "engine = create_engine('mysql+pymysql://scott:§@localhost/foo')\n"),
        .positive(.password, "Str0ng#Pass", "conn_str = \"Server=tcp:sql.example.net;Database=app;User Id=sa;Password=§;\"\n"),
        .positive(.password, "qwerty123", "dsn = 'host=db user=app pwd=§ dbname=x'\n"),
        .positive(.password, "letmein99", "redis://:§@cache.example.com:6379/0\n"),
        // assignments to secret-like names
        .positive(.password, "correct-horse-42", "password = \"§\"\n"),
        .positive(.password, "Winter2024!", "    'PASSWORD': '§',\n"),
        .positive(.password, "rootpw_17", "MYSQL_ROOT_PASSWORD=§\n"),
        .positive(.password, "s3cure", "login(user, passwd='§')\n"),
        .positive(.password, "admin1234", "db_password: §\n"),
        .positive(.secret, "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "SECRET_KEY = '§'\n"),
        .positive(.secret, "dGhpcyBpcyBhIHNlY3JldCB2YWx1ZSAxMjM0", "\"client_secret\": \"§\",\n"),
        .positive(.secret, "a1B2c3D4e5F6g7H8i9J0kLmN", "API_KEY = §\n"),
        .positive(.secret, "Zq8Lm3Xv7Rt2Wb5Nc9Hd1Jf4Gs6Ae0Uo", "    auth_token: str = \"§\"\n"),
        .positive(.secret, "7c4a8d09ca3762af61e59520943dc26494f8941b", "access_token := \"§\"\n"),
        .positive(.secret, "K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=", "ENCRYPTION_KEY=§\n"),
        .positive(.secret, "pk9Q2wE8rT5yU1iO7pA3sD6f", "config[\"api-key\"] = \"§\"\n"),
        .positive(.secret, "3f2a9c1e7b5d4f8a0c6e2b9d1f7a3c5e", "let apiKey = \"§\"\n"),
        // home directories
        .positive(.user, "alice", "sys.path.insert(0, \"/home/§/projects/lib\")\n"),
        .positive(.user, "bob.jones", "open('/Users/§/Desktop/data.csv')\n"),
        .positive(.user, "carol", "LOG = r\"C:\\Users\\§\\AppData\\Local\\app.log\"\n"),
        .positive(.user, "dave", "path = \"C:\\\\Users\\\\§\\\\Documents\\\\report.xlsx\"\n"),
        .positive(.user, "erin", "File \"/home/§/.venv/lib/python3.11/site-packages/x.py\", line 3\n"),
        .positive(.user, "frank_m", "cd /Users/§\n"),
        .positive(.user, "grace", "config = 'C:/Users/§/config.ini'\n"),
    ]

    public static let lookalikes: [ScrubCase] = [
        // hex constants and hashes in tests
        .lookalike("MASK = 0xFFFFFFFF\nSEED = 0x9E3779B97F4A7C15\n"),
        .lookalike("assert sha256(b'').hexdigest() == 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n"),
        .lookalike("EXPECTED_MD5 = \"d41d8cd98f00b204e9800998ecf8427e\"\n"),
        .lookalike("self.assertEqual(digest, '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae')\n"),
        .lookalike("crc_table = [0x00000000, 0x77073096, 0xEE0E612C, 0x990951BA]\n"),
        .lookalike("color = '#ff8800'\nbg = \"#1e1e1e\"\n"),
        // git SHAs, UUIDs, versions
        .lookalike("commit 3f786850e387550fdab836ed7e6dc881de23001b\nAuthor: CI <ci>\n"),
        .lookalike("revision = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'  # pinned\n"),
        .lookalike("REQUEST_ID = uuid.UUID('12345678-1234-5678-1234-567812345678')\n"),
        .lookalike("fixture_id = \"550e8400-e29b-41d4-a716-446655440000\"\n"),
        .lookalike("__version__ = \"2.31.0\"\n"),
        .lookalike("version = \"1.2.3.4\"\n"),
        .lookalike("requires = ['numpy>=1.26.4', 'torch==2.1.0.1']\n"),
        .lookalike("if sys.version_info >= (3, 11, 0):\n"),
        .lookalike("PROTOCOL = v1.0.0.2\n"),
        .lookalike("release = '10.0.19041.1'  # Windows build\n"),
        // localhost and reserved addresses
        .lookalike("app.run(host='127.0.0.1', port=5000)\n"),
        .lookalike("server.bind(('0.0.0.0', 8080))\n"),
        .lookalike("netmask = '255.255.255.0'\n"),
        .lookalike("BROADCAST = \"255.255.255.255\"\n"),
        .lookalike("sock.connect(('::1', 80))\n"),
        .lookalike("bind_addr = '::'\n"),
        .lookalike("EXAMPLE_HOST = '192.0.2.10'  # RFC 5737 documentation range\n"),
        .lookalike("addr = ipaddress.ip_address('2001:db8::1')\n"),
        .lookalike("# see section 8.2.4.44 of the spec\n"),
        .lookalike("ctx.load_cert_chain(CERTFILE, password=KEY_PASSWORD)\n"),
        .lookalike("def login(self, user=None, password=None, usenetrc=True):\n"),
        .lookalike("ctx.load_cert_chain(certfile, password=getpass_callback)\n"),
        .lookalike("url = 'http://localhost:8000/api'\n"),
        // slices, times, dicts, MACs, C++ scopes
        .lookalike("evens = xs[::2]\nrev = xs[::-1]\nmid = xs[1:10:2]\n"),
        .lookalike("grid[10::20]\n"),
        .lookalike("start = '12:30:45'\nend = \"23:59:59.999\"\n"),
        .lookalike("mac = 'de:ad:be:ef:00:01'\n"),
        .lookalike("std::vector<int> v; std::map<a, b>::iterator it;\n"),
        .lookalike("d = {1: 2, 3: 4}\nlookup = {'a':1,'b':2}\n"),
        .lookalike("timestamp = '2024-01-15T10:30:00Z'\n"),
        .lookalike("ratio = 3.14159\nvals = [1.5, 2.25, 1e-3]\n"),
        .lookalike("coords = '1.2.3'  # three parts is a version\n"),
        // decorators, matrix products, attribute access
        .lookalike("@property\ndef name(self):\n    return self._name\n"),
        .lookalike("@dataclass(frozen=True)\nclass Point:\n    x: int\n"),
        .lookalike("y = x@w.T + b\n"),
        .lookalike("scores = q@k.transpose(-2, -1)\n"),
        .lookalike("out = a@b.weights[0]\n"),
        .lookalike("git clone git@github.com:python/cpython.git\n"),
        .lookalike("print(f\"{user}@{host}\")\n"),
        // names that look secret but hold no secret
        .lookalike("password = getpass.getpass()\n"),
        .lookalike("password = os.environ[\"DB_PASSWORD\"]\n"),
        .lookalike("token = tokenizer.encode(text)\n"),
        .lookalike("tokens = line.split()\nnum_tokens = len(tokens)\n"),
        .lookalike("max_tokens = 256\ntoken_count = 0\n"),
        .lookalike("EOS_TOKEN = \"<|endoftext|>\"\n"),
        .lookalike("TOKEN_PATTERN = r\"[A-Za-z_][A-Za-z0-9_]*\"\n"),
        .lookalike("secret_name = \"projects/demo/secrets/db\"\n"),
        .lookalike("PASSWORD_FIELD = \"password_hash\"\n"),
        .lookalike("password_env = \"DB_PASSWORD\"\n"),
        .lookalike("prompt = input(\"Enter your password:\")\n"),
        .lookalike("api_key = None\nsecret = ''\n"),
        .lookalike("api_key = settings.API_KEY\n"),
        .lookalike("if password == confirm:\n    ok = True\n"),
        .lookalike("auth_type = \"basic\"\n"),
        .lookalike("token_type = 'Bearer'\n"),
        .lookalike("API_KEY = \"your-api-key-here\"\n"),
        .lookalike("SECRET_KEY = \"changeme-in-production\"\n"),
        .lookalike("password = \"{password}\"\nurl = f\"postgresql://{user}:{password}@{host}/db\"\n"),
        .lookalike("DATABASE_URL = \"postgresql://${DB_USER}:${DB_PASS}@db/app\"\n"),
        .lookalike("credentials_path = 'config/credentials.json'\n"),
        .lookalike("token_ids = torch.tensor([[1, 2, 3]])\n"),
        .lookalike("def check_password(password: str) -> bool:\n"),
        .lookalike("access_token_expire_minutes: int = 30\n"),
        .lookalike("parser.add_argument('--token', help='API token')\n"),
        .lookalike("auth = HTTPBasicAuth(username, password)\n"),
        // paths that are not a person's home
        .lookalike("HOME = os.path.expanduser('~')\n"),
        .lookalike("path = f'/home/{user}/data'\n"),
        .lookalike("cache = '/home/$USER/.cache'\n"),
        .lookalike("shared = '/Users/Shared/app'\n"),
        .lookalike("open('/etc/passwd').read()\n"),
        .lookalike("DATA = '/var/lib/app/data.db'\n"),
        .lookalike("p = pathlib.Path.home() / 'projects'\n"),
        .lookalike("r'C:\\Program Files\\Python311\\python.exe'\n"),
        // long identifiers and base64 in ordinary code
        .lookalike("ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'\n"),
        .lookalike("data = base64.b64decode('aGVsbG8gd29ybGQ=')\n"),
        .lookalike("class AbstractAsyncHTTPConnectionPoolManagerFactory:\n    pass\n"),
        .lookalike("sk = key_schedule(k)\nsk_len = 16\n"),
        .lookalike("AKIA = 'prefix for access keys'\n"),
        .lookalike("ghp = 'ghp_' + 'x' * 36\n"),
        .lookalike("assert parse('a=1;b=2') == {'a': '1', 'b': '2'}\n"),
        .lookalike("query = 'SELECT * FROM users WHERE email = %s'\n"),
        .lookalike("EMAIL_RE = re.compile(r'[\\w.]+@[\\w.]+')\n"),
        .lookalike("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUB\n-----END CERTIFICATE-----\n"),
        .lookalike("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"),
        .lookalike("header = 'eyJ' + rest  # base64 of '{\"'\n"),
        .lookalike("x = obj.eyJustify()\n"),
        .lookalike("for i in range(10):\n    total += i * 2\n"),
        .lookalike("ip = socket.gethostbyname(hostname)\n"),
        .lookalike("IPV4_RE = r'\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}'\n"),
        .lookalike("addr = ipaddress.ip_address('127.0.0.1')\n"),
        .lookalike("user_home = '/home'\nroot = '/root/.ssh'\n"),
        .lookalike("see https://docs.python.org/3/library/secrets.html\n"),
        .lookalike("secrets.token_hex(16)\n"),
        .lookalike("hmac_key_length = 32\n"),
        .lookalike("'%(asctime)s %(levelname)s %(message)s'\n"),
        .lookalike("BLOCK = b'\\x00\\x01\\x02\\x03'\n"),
        .lookalike("matrix = [[0.1, 0.2], [0.3, 0.4]]\n"),
        .lookalike("s = 'a:b:c:d'.split(':')\n"),
        .lookalike("TIME_FMT = '%H:%M:%S'\n"),
        .lookalike("ratio = 1.0 / 255.0\n"),
    ]

    /// Cases written after the scanners were tuned on `positives` / `lookalikes`, and never tuned on:
    /// a fairer estimate, reported apart by `bench scrub`.
    public static let heldOutPositives: [ScrubCase] = [
        .positive(.email, "maria.gonzalez@empresa.es", "# Autora: §\n"),
        .positive(.email, "ci-bot@builds.example.net", "git config user.email \"§\"\n"),
        .positive(.ipAddress, "10.244.3.17", "kubectl port-forward pod/web 8080:80 --address §\n"),
        .positive(.ipAddress, "2a01:4f8:c17:1b2e::1", "AAAA record: §\n"),
        .positive(.ipAddress, "192.168.100.254", "    gateway: §\n"),
        .positive(.key, "AKIAZ2X7QWERTY5UIOP3", "os.environ['AWS_ACCESS_KEY_ID'] = '§'\n"),
        .positive(.key, "ghs_9Lk2Mn8Pq4Rs6Tu1Vw3Xy5Za7Bc0De2Fg4Hi", "auth = {'token': '§'}\n"),
        .positive(.key, "xoxb-99887766554-11223344556-AbCdEfGhIjKlMnOpQrStUvWx", "SLACK_BOT_TOKEN=§\n"),
        .positive(.key, "sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ", "Stripe::api_key = '§'\n"),
        .positive(.privateKey, "-----BEGIN DSA PRIVATE KEY-----\nMIIBuwIBAAKBgQD\n-----END DSA PRIVATE KEY-----", "write_file('id_dsa', '''§''')\n"),
        .positive(.jwt, "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJhdWQiOiJhcGkiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU", "jwt: §\n"),
        .positive(.password, "P@ssw0rd!2024", "DATABASES['default']['PASSWORD'] = '§'\n"),
        .positive(.password, "r3dis-pass", "REDIS_URL=redis://default:§@redis.internal:6379\n"),
        .positive(.password, "mysecretpw", "smtp.login('noreply', password='§')\n"),
        .positive(.secret, "f3a9c2e1b7d84f60a5c9e2d1b8f7a6c4", "GITHUB_CLIENT_SECRET = \"§\"\n"),
        .positive(.secret, "Q2hhbmdlVGhpc1NlY3JldEtleTEyMzQ1Njc4", "jwt_secret: \"§\"\n"),
        .positive(.user, "jsmith", "/Users/§/Library/Caches/pip\n"),
        .positive(.user, "maria", "Traceback: File \"C:\\\\Users\\\\§\\\\proj\\\\main.py\", line 3\n"),
    ]

    public static let heldOutLookalikes: [ScrubCase] = [
        .lookalike("assert hashlib.md5(b'abc').hexdigest() == '900150983cd24fb0d6963f7d28e17f72'\n"),
        .lookalike("COMMIT = '9fceb02d0ae598e95dc970b74767f19372d61af8'\n"),
        .lookalike("session_id = uuid.uuid4().hex\n"),
        .lookalike("id = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'\n"),
        .lookalike("python_requires='>=3.8.0.0'\n"),
        .lookalike("HOST = 'localhost'\nPORT = 5432\n"),
        .lookalike("if token.type == tokenize.NAME:\n"),
        .lookalike("password_hash = bcrypt.hashpw(password.encode(), salt)\n"),
        .lookalike("secret_santa = random.sample(names, len(names))\n"),
        .lookalike("auth_required = True\n"),
        .lookalike("print(f'{a}@{b}.com')\n"),
        .lookalike("x = y @ z.T\n"),
        .lookalike("home = Path('/home') / username\n"),
        .lookalike("KEY_SIZE = 2048\nkey = rsa.generate_private_key(65537, KEY_SIZE)\n"),
        .lookalike("addr = (host, 8080)\nmask = '255.255.0.0'\n"),
        .lookalike("logger.info('user %s logged in from %s', user, ip)\n"),
        .lookalike("t = dt.strptime('10:15:30', '%H:%M:%S')\n"),
        .lookalike("ver = tuple(map(int, '3.11.7.1'.split('.')))  # version\n"),
    ]

    /// Recall over positives (the secret is gone and a placeholder of the right kind is there) and
    /// false-positive rate over look-alikes (the text changed at all), with the failing cases.
    public static func evaluate(positives: [ScrubCase] = positives, lookalikes: [ScrubCase] = lookalikes)
        -> (recall: Double, falsePositiveRate: Double, missed: [ScrubCase], flagged: [(ScrubCase, String)]) {
        var missed: [ScrubCase] = []
        var flagged: [(ScrubCase, String)] = []
        for c in positives {
            let out = Scrubber.scrub(c.text).text
            if let s = c.secret, let k = c.kind, out.contains(s) || !out.contains(k.placeholder) { missed.append(c) }
        }
        for c in lookalikes {
            let out = Scrubber.scrub(c.text).text
            if out != c.text { flagged.append((c, out)) }
        }
        let recall = Double(positives.count - missed.count) / Double(positives.count)
        let fp = Double(flagged.count) / Double(lookalikes.count)
        return (recall, fp, missed, flagged)
    }
}
