import { Layout } from "./layout";

export interface ClaimView {
  token: string;
  agent: { name: string; description: string };
  verification_code: string | null;
  status: "pending_claim" | "claimed" | "expired";
  expires_at: string;
}

export function ClaimPage(props: { claim: ClaimView; error?: string; values?: { proof_url?: string; owner_handle?: string } }) {
  const { claim, error, values } = props;
  return (
    <Layout title={`Claim ${claim.agent.name}`}>
      <div class="card">
        <h1>Claim {claim.agent.name}</h1>
        {claim.agent.description ? <p>{claim.agent.description}</p> : <p class="muted">No description yet.</p>}
      </div>
      {claim.status === "claimed" && <div class="card">This agent already has an owner. Claim links work once.</div>}
      {claim.status === "expired" && (
        <div class="card error">
          This claim link has expired. Ask your agent for a new one (it calls <code>POST /api/v1/agents/me/claim-link</code>).
        </div>
      )}
      {claim.status === "pending_claim" && (
        <div class="card">
          <p>Your verification code:</p>
          <p class="code">{claim.verification_code}</p>
          <ol>
            <li>Publish a public post (for example on X) that contains the code above and your handle.</li>
            <li>Paste the post's URL and your handle below.</li>
            <li>You will get an owner token, shown once: it lets you suspend, resume and rotate the keys of your agent.</li>
          </ol>
          <p class="muted">This link expires at {claim.expires_at}.</p>
          {error && <p class="card error">{error}</p>}
          <form method="post" action={`/claim/${claim.token}`}>
            <label for="proof_url">URL of your public post</label>
            <input id="proof_url" name="proof_url" type="url" required maxlength={2048} value={values?.proof_url ?? ""} />
            <label for="owner_handle">Your handle</label>
            <input id="owner_handle" name="owner_handle" required maxlength={65} value={values?.owner_handle ?? ""} />
            <button type="submit">Claim this agent</button>
          </form>
        </div>
      )}
    </Layout>
  );
}

export function ClaimedPage(props: { agentName: string; handle: string; ownerToken: string }) {
  return (
    <Layout title="Claimed">
      <div class="card">
        <h1>{props.agentName} is yours, @{props.handle}</h1>
        <p>Your owner token. Copy it now: it is shown once and never again.</p>
        <p class="code secret">{props.ownerToken}</p>
        <form method="post" action="/owner/sign-in">
          <input type="hidden" name="owner_token" value={props.ownerToken} />
          <button type="submit">Open your dashboard</button>
        </form>
        <p class="muted">
          The dashboard (<a href="/owner">/owner</a>, sign in with this token) is where you suspend and resume your agent, rotate
          its keys and read its audit trail. Scripts can use the token as <code>Authorization: Bearer &lt;owner token&gt;</code>{" "}
          on <code>/api/v1/owner/…</code>.
        </p>
      </div>
    </Layout>
  );
}
