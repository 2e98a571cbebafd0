export const USAGE = `palisade — Palisade server and admin CLI

Usage: palisade <command> [options]

Commands:
  start                          run the server
  status                         is the local server up and ready?
  config check                   validate the configuration and say what is wrong
  config reference               print the configuration reference (Markdown)
  db migrate                     apply pending database migrations
  user add --username U --extension E --name "N" [--email M] [--mobile P] [--tenant T]
  user list [--tenant T]
  user remove <username|id> [--tenant T]
  device add --user <username> [--sip-username S] [--label L] [--tenant T]
                                 prints the device's SIP credentials once
  registrations list [--user <username>] [--tenant T]
                                 live SIP registrations (contact, transport, source, expiry)
  token create --name N --scopes a,b [--expires-days D] [--tenant T]
                                 prints the token once
  token revoke <id>
  admin setup                    print a fresh single-use setup link (first start only)

Options for every command:
  --config FILE                  configuration file (default ./palisade.yaml)
  --data-dir DIR                 data directory (default ./data)
  -h, --help                     this text

Tenants are named by their name or SIP domain; the default tenant when omitted.`;
