"""Decrypts a ParkReview encrypted private key with nothing of ParkReview's: asn1crypto reads
the PKCS#8 structure, hashlib's scrypt derives the key, `cryptography` decrypts and loads it.
Prints the scrypt cost (N r p, salt length) and whether the key is the certificate's.

    decrypt_key.py KEY.pem PASSPHRASE-FILE CERT.pem"""
import sys, hashlib
from asn1crypto import keys, pem, core
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_der_private_key, Encoding, PublicFormat

path, passphrase = sys.argv[1], open(sys.argv[2], encoding='utf-8').read().rstrip('\n')
_, _, der = pem.unarmor(open(path, 'rb').read())
info = keys.EncryptedPrivateKeyInfo.load(der)
params = info['encryption_algorithm']['parameters']
kdf = params['key_derivation_func']
assert kdf['algorithm'].dotted == '1.3.6.1.4.1.11591.4.11', 'not scrypt'
salt, n, r, p = (kdf['parameters'].native[k] for k in ('0', '1', '2', '3'))
scheme = params['encryption_scheme']
assert scheme['algorithm'].native == 'aes256_cbc', scheme['algorithm'].native
iv = scheme['parameters'].native
key = hashlib.scrypt(passphrase.encode('utf-8'), salt=salt, n=n, r=r, p=p, maxmem=512 * 1024 * 1024, dklen=32)
decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
padded = decryptor.update(info['encrypted_data'].native) + decryptor.finalize()
pad = padded[-1]
if not 1 <= pad <= 16 or padded[-pad:] != bytes([pad]) * pad:
    sys.exit('wrong passphrase (bad padding)')
private = load_der_private_key(padded[:-pad], password=None)
certificate = x509.load_pem_x509_certificate(open(sys.argv[3], 'rb').read())
point = lambda key: key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
print(n, r, p, len(salt))
print('matches certificate' if point(private.public_key()) == point(certificate.public_key()) else 'another key')
