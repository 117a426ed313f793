// Candidate pages that browser tests build on the fly (persona, verification and pack tests), with
// exactly the hooks the Upwork and Greenhouse site adapters read (crate/packs/sites/). Page text is
// escaped: the tests put hostile strings in it on purpose, and the page must carry them as text.

/** Escapes text for an HTML text node or a double-quoted attribute. */
export const esc = (s) =>
  String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** An Upwork freelancer profile (www.upwork.com/freelancers/~id). */
export function upworkProfile({ name, title = "Senior React Developer", bio, skills = ["React"] }) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(name)} - ${esc(title)} - Upwork Freelancer</title></head>
<body><div class="container">
  <section class="up-card-section">
    <div itemscope itemtype="http://schema.org/Person">
      <h1 itemprop="name" data-test="freelancer-name">${esc(name)}</h1>
      <div data-test="location"><span itemprop="locality">Austin</span>, <span itemprop="country-name">United States</span></div>
    </div>
  </section>
  <main>
    <h2 data-test="freelancer-title">${esc(title)}</h2>
    <div class="up-line-clamp-v2" data-test="profile-overview"><span class="text-pre-line">${esc(bio)}</span></div>
    ${skills.map((s) => `<span class="up-skill-badge" data-test="skill">${esc(s)}</span>`).join("\n    ")}
  </main>
</div></body></html>`;
}

/** A Greenhouse Recruiting candidate profile (app.greenhouse.io/people/<id>). */
export function greenhouseCandidate({ name, headline = "Senior Software Engineer", contacts = [], resume = null }) {
  const contactSection = contacts.length
    ? `<section class="contact-info"><h3>Contact</h3><ul>
    ${contacts.map((c) => `<li data-testid="contact-item">${esc(c)}</li>`).join("\n    ")}
  </ul></section>`
    : "";
  const resumeSection = resume !== null
    ? `<section class="resume-viewer"><h3>Resume</h3>
    <div class="document-text" data-testid="resume-text">${esc(resume)}</div>
  </section>`
    : "";
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(name)} - Greenhouse</title></head>
<body><div id="app" class="candidate-profile">
  <header class="person-header">
    <h1 class="person-name" data-testid="candidate-name">${esc(name)}</h1>
    <div class="person-title" data-testid="candidate-headline">${esc(headline)}</div>
  </header>
  ${contactSection}
  ${resumeSection}
</div></body></html>`;
}
