//! The commands written once for both modes: each asks [`Backend`] (the database, or the
//! admin API with `--server`) for its answer and prints it with [`render`], so local and
//! remote mode print the same tables and the same `--json` documents.

use anyhow::{Result, bail};
use packyard_api::accounts::ImportKeyBody;
use packyard_api::users::{Membership, NewUserBody};

use crate::args::{
    AccountCmd, Command, EntitlementCmd, ExplainArgs, Global, InvoiceCmd, KeyCmd, ProductCmd,
    UserCmd, UserKeyCmd,
};
use crate::backend::{Backend, ExplainFor};
use crate::context::read_password_stdin;
use crate::render::{self, print};

/// Runs `command` if it is one of the unified commands; else hands it back.
pub async fn run(g: &Global, command: Command) -> Result<Option<Command>> {
    let json = g.json;
    match command {
        Command::Account(AccountCmd::List) => {
            let list = Backend::open(g).await?.accounts().await?;
            print(json, &list, render::accounts(&list))?;
        }
        Command::Account(AccountCmd::Show { id }) => {
            let detail = Backend::open(g).await?.account(&id).await?;
            print(json, &detail, render::account(&detail))?;
        }
        Command::Key(KeyCmd::List { account }) => {
            let list = Backend::open(g).await?.keys(&account).await?;
            print(json, &list, render::keys(&list))?;
        }
        Command::Key(KeyCmd::Import {
            account,
            name,
            public_key,
            private_key_stdin,
            products,
        }) => {
            let private_key = read_private_key(private_key_stdin)?;
            let pair = ImportKeyBody {
                name,
                public_key,
                private_key,
                products,
            };
            let key = Backend::open(g).await?.import_key(&account, pair).await?;
            print(json, &key, render::created_key(&key))?;
        }
        Command::Product(ProductCmd::List) => {
            let list = Backend::open(g).await?.products().await?;
            print(json, &list, render::products(&list))?;
        }
        Command::Entitlement(EntitlementCmd::List { account }) => {
            let list = Backend::open(g).await?.entitlements(account.as_deref()).await?;
            print(json, &list, render::entitlements(&list))?;
        }
        Command::Invoice(InvoiceCmd::List { account }) => {
            let list = Backend::open(g).await?.invoices(account.as_deref()).await?;
            print(json, &list, render::invoices(&list))?;
        }
        Command::User(cmd) => user(g, cmd).await?,
        Command::Explain(args) => explain(g, args).await?,
        other => return Ok(Some(other)),
    }
    Ok(None)
}

/// The private half of an imported pair, from standard input.
fn read_private_key(private_key_stdin: bool) -> Result<String> {
    if !private_key_stdin {
        bail!(
            "pipe the private key in and pass --private-key-stdin (it never goes on the command line)"
        );
    }
    use anyhow::Context;
    read_password_stdin().context("cannot read the private key from standard input")
}

/// "EMAIL is now ROLE of ACCOUNT", with the password link when there is one.
fn membership_text(m: &Membership) -> String {
    let now = format!("{} is now {} of {}", m.email, m.role, m.account);
    match &m.password_link_token {
        Some(token) => {
            format!("{now}; they set their password at /account/password/{token} (single use)")
        }
        None => now,
    }
}

async fn user(g: &Global, cmd: UserCmd) -> Result<()> {
    let backend = Backend::open(g).await?;
    let json = g.json;
    match cmd {
        UserCmd::Add {
            account,
            email,
            role,
            password_stdin,
        } => {
            let password = password_stdin.then(read_password_stdin).transpose()?;
            let new = NewUserBody {
                email,
                role,
                password,
            };
            let added = backend.add_user(&account, new).await?;
            print(json, &added, membership_text(&added))
        }
        UserCmd::List { account } => {
            let list = backend.users(&account).await?;
            print(json, &list, render::users(&list))
        }
        UserCmd::Remove { account, email } => {
            let removed = backend.remove_user(&account, &email).await?;
            let human = format!("{} removed from {}", removed.email, removed.account);
            print(json, &removed, human)
        }
        UserCmd::SetRole {
            account,
            email,
            role,
        } => {
            let changed = backend.set_role(&account, &email, &role).await?;
            print(json, &changed, membership_text(&changed))
        }
        UserCmd::Key(UserKeyCmd::Create { email, name }) => {
            let key = backend.create_personal_key(&email, &name).await?;
            print(json, &key, render::created_key(&key))
        }
        UserCmd::Key(UserKeyCmd::List { email }) => {
            let list = backend.personal_keys(&email).await?;
            print(json, &list, render::personal_keys(&list))
        }
    }
}

async fn explain(g: &Global, args: ExplainArgs) -> Result<()> {
    let (asker, package) = match (&args.key, args.names.as_slice()) {
        (Some(key), [package]) => (ExplainFor::Key(key), package),
        (None, [account, package]) => (ExplainFor::Account(account), package),
        _ => bail!(
            "use: packyard explain ACCOUNT PACKAGE[:VERSION] or packyard explain --key PUBLIC_KEY PACKAGE[:VERSION]"
        ),
    };
    let backend = Backend::open(g).await?;
    let e = backend
        .explain(asker, package, args.billing_grace_days)
        .await?;
    print(g.json, &e, render::explanation(&e))
}
