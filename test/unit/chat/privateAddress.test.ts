import * as assert from 'assert';
import { isPrivateAddressUrl } from '../../../src/core/util/privateAddress';

describe('isPrivateAddressUrl (links confirmed before they open)', () => {
  const local = [
    'http://127.0.0.1:8080/admin',
    'http://127.1/',
    'http://2130706433/', // 127.0.0.1 written as one number
    'http://0x7f.0.0.1/',
    'https://localhost/',
    'http://LOCALHOST.:3000',
    'http://app.localhost/',
    'http://printer.local/',
    'http://0.0.0.0:9000/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/', // cloud metadata service
    'http://100.64.0.1/',
    'http://[::1]:8080/',
    'http://[::]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:192.168.0.1]/',
  ];
  const publicUrls = [
    'https://docs.kluster.ai/guide',
    'http://8.8.8.8/',
    'http://172.32.0.1/',
    'http://172.15.255.255/',
    'http://192.169.0.1/',
    'http://[2001:db8::1]/',
    'http://[::ffff:8.8.8.8]/',
    'https://localhost.example.com/',
    'http://11.0.0.1/',
    'not a url',
  ];

  for (const url of local) it(`asks for ${url}`, () => assert.strictEqual(isPrivateAddressUrl(url), true));
  for (const url of publicUrls) it(`does not ask for ${url}`, () => assert.strictEqual(isPrivateAddressUrl(url), false));
});
