# Computes the SAS test vectors in sas-vectors.txt with Python's hmac, independently of the Java code.
import base64, hashlib, hmac, urllib.parse
vectors = [
  ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "127.0.0.1/devices/site-7", 1796212800),
  ("c2VjcmV0LWRldmljZS1rZXktZm9yLXRlc3RzLTEyMzQ1Ng==", "hub.example.net/devices/plant:line_3.a", 1700000000),
  ("q83vEjRWeJCrze8SNFZ4kA==", "my-hub.azure-devices.net/devices/dev-01", 4102444800),
]
for key, res, se in vectors:
    enc = urllib.parse.quote(res, safe='')
    sig = base64.b64encode(hmac.new(base64.b64decode(key), (enc + "\n" + str(se)).encode(), hashlib.sha256).digest()).decode()
    token = "SharedAccessSignature sr=%s&sig=%s&se=%d" % (enc, urllib.parse.quote(sig, safe=''), se)
    print("|".join([key, res, str(se), sig, token]))
