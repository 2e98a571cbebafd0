export {
  WebphoneTokenService,
  WEBPHONE_USERNAME_PREFIX,
  type WebphoneCredential,
  type WebphoneGrant,
  type WebphoneTokenOptions,
} from './webphone-token-service.ts';
