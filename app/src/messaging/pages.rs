//! The messaging simulator's page (`/messaging-simulator`): what the
//! simulated gateways received, newest first, as a phone would show it.
//! Exists only in simulator mode (development).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::*;
use crate::ui::EmptyState;

/// One received message on the simulator's page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SimulatorMessage {
    pub api: String,
    pub recipient: String,
    pub sender: Option<String>,
    pub body: String,
    pub outcome: i64,
    pub received_at: i64,
}

/// What the simulator received (404 unless the simulator is on). A
/// development tool with no sign-in, like the Nafath simulator.
#[server(endpoint = "list_simulated_messages")]
pub async fn list_simulated_messages() -> Result<Vec<SimulatorMessage>, AppError> {
    let state = crate::state::app_state()?;
    if state.settings.messaging.mode != super::MessagingMode::Simulator {
        return Err(AppError::NotFound);
    }
    Ok(super::db::simulated_messages(&state.db)
        .await?
        .into_iter()
        .map(|m| SimulatorMessage {
            api: m.api,
            recipient: m.recipient,
            sender: m.sender,
            body: m.body,
            outcome: m.outcome,
            received_at: m.received_at,
        })
        .collect())
}

/// The simulator's "phone": every message it received and how it answered.
#[component]
pub fn MessagingSimulatorPage() -> impl IntoView {
    let i18n = use_i18n();
    let messages = Resource::new_blocking(|| (), |_| list_simulated_messages());
    view! {
        <Title text=t_string!(i18n, messaging_simulator.title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match messages.await {
                    Err(_) => view! { <crate::ui::NotFoundPage /> }.into_any(),
                    Ok(messages) => {
                        let empty = messages.is_empty();
                        view! {
                            <Meta http_equiv="refresh" content="5" />
                            <section class="card narrow phone-frame">
                                <h1>{t!(i18n, messaging_simulator.title)}</h1>
                                <p class="muted small">{t!(i18n, messaging_simulator.notice)}</p>
                                {empty.then(|| view! { <EmptyState>{t!(i18n, messaging_simulator.empty)}</EmptyState> })}
                                <ul class="sim-messages">
                                    {messages
                                        .into_iter()
                                        .map(|m| {
                                            let accepted = (200..300).contains(&m.outcome);
                                            let api = if m.api == "sms" {
                                                t_string!(i18n, messaging_simulator.sms).to_string()
                                            } else {
                                                t_string!(i18n, messaging_simulator.whatsapp).to_string()
                                            };
                                            view! {
                                                <li class="sim-message" data-recipient=m.recipient.clone() data-outcome=m.outcome>
                                                    <p class="small">
                                                        <strong>{api}</strong>
                                                        " · "
                                                        <bdi dir="ltr">{m.recipient.clone()}</bdi>
                                                        {m.sender.map(|s| view! { " · " <bdi dir="ltr">{s}</bdi> })}
                                                        " · "
                                                        <span class="muted">{crate::time::format_date(m.received_at)} " " {crate::time::format_time_of_day(m.received_at)}</span>
                                                    </p>
                                                    <p class="sim-message-body"><bdi>{m.body}</bdi></p>
                                                    <p class="small">
                                                        {if accepted {
                                                            view! { <span class="badge ok">{t!(i18n, messaging_simulator.accepted)}</span> }.into_any()
                                                        } else {
                                                            view! { <span class="badge">{t!(i18n, messaging_simulator.refused)} " " {m.outcome}</span> }.into_any()
                                                        }}
                                                    </p>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
