using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Workflows;

/// <summary>
/// Erasure of a customer's personal data and the retention sweep (issue 14 item 6). An erasure
/// anonymises the lead (contact, company, location below the country) and the deal it became (its
/// title), and has the store replace the customer's e-mail address and phone number wherever else it
/// keeps them (outbox payloads and rendered notifications, the routing decision log, the field history,
/// other records' text), in one transaction through <see cref="IPersonalDataEraser"/>. Counts, amounts,
/// stages, dates and KPIs do not change: the records stay. Each erased record gets a
/// <see cref="PersonalDataErased"/> event (who, when, which record, no personal data) in the outbox.
/// Erasing again changes nothing. See docs/persistence.md, "Erasure and retention".
/// </summary>
public sealed class PersonalDataService
{
    /// <summary>The reason of an erasure the customer asked for.</summary>
    public const string RequestReason = "request";

    /// <summary>The reason of an erasure by the retention sweep.</summary>
    public const string RetentionReason = "retention";

    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPersonalDataEraser _eraser;
    private readonly IClock _clock;
    private readonly IOptions<PersonalDataRetentionOptions> _options;

    /// <summary>Creates the service.</summary>
    public PersonalDataService(ILeadStore leads, IOpportunityStore opportunities, IPersonalDataEraser eraser, IClock clock, IOptions<PersonalDataRetentionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(eraser);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _opportunities = opportunities;
        _eraser = eraser;
        _clock = clock;
        _options = options;
    }

    /// <summary>
    /// Erases the personal data of <paramref name="target"/> in <paramref name="tenant"/>: by lead (and
    /// its deal), by opportunity (and its lead) or by e-mail address (every lead with it, their deals, and
    /// the address wherever else it is stored); with each a deal whose customer phone key is the phone of
    /// one of the erased leads (a deal opened without a lead keeps of the customer only its keys). Returns what changed; a second erasure returns
    /// <see cref="ErasureReport.None"/>.
    /// </summary>
    /// <exception cref="EntityNotFoundException">No such lead (<see cref="OpportunityErrorCodes.LeadNotFound"/>) or opportunity (<see cref="OpportunityErrorCodes.OpportunityNotFound"/>).</exception>
    /// <exception cref="ConcurrencyException">A record was saved meanwhile; nothing changed, call again.</exception>
    /// <exception cref="ArgumentException"><paramref name="actor"/> is empty.</exception>
    public async Task<ErasureReport> EraseCustomerAsync(TenantId tenant, ErasureTarget target, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var scope = AccessScope.Manufacturer(tenant);
        var leads = new List<Lead>();
        var deals = new List<SalesOpportunity>();
        List<string> values = [];
        if (target.Lead is { } leadId)
        {
            var lead = await _leads.FindAsync(scope, leadId, cancellationToken).ConfigureAwait(false) ?? throw EntityNotFoundException.ForLead(tenant, leadId);
            leads.Add(lead);
            await AddDealOfAsync(scope, lead, deals, cancellationToken).ConfigureAwait(false);
        }
        else if (target.Opportunity is { } dealId)
        {
            var deal = await _opportunities.FindAsync(scope, dealId, cancellationToken).ConfigureAwait(false) ?? throw EntityNotFoundException.ForOpportunity(tenant, dealId);
            deals.Add(deal);
            if (deal.SourceLead is { } source && await _leads.FindAsync(scope, source, cancellationToken).ConfigureAwait(false) is { } lead)
            {
                leads.Add(lead);
            }
        }
        else
        {
            var email = target.Email!;
            values.Add(email);
            var keys = new DuplicateKeys(null, DuplicateKeys.EmailDomainOf(email), null);
            await foreach (var lead in _leads.FindDuplicateCandidatesAsync(scope, keys, cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(lead.Details.Contact.Email?.Trim(), email, StringComparison.OrdinalIgnoreCase))
                {
                    leads.Add(lead);
                    await AddDealOfAsync(scope, lead, deals, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await AddDealsWithPhoneOfAsync(scope, leads, deals, cancellationToken).ConfigureAwait(false);
        return await EraseAsync(tenant, leads, deals, values, RequestReason, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The retention sweep of one tenant at the clock's instant: erases won and lost deals closed longer
    /// than <see cref="PersonalDataRetentionOptions.ClosedOpportunityAge"/> ago (with their leads), and
    /// disqualified leads and expired registrations without activity for
    /// <see cref="PersonalDataRetentionOptions.ClosedLeadAge"/>, at most
    /// <see cref="PersonalDataRetentionOptions.MaxRecordsPerSweep"/> records, one erasure per record. Several
    /// hosts may sweep at once: a record another host erased meanwhile is skipped (its version-checked
    /// write fails), so each record is erased, and audited, once.
    /// </summary>
    public async Task<ErasureReport> SweepAsync(TenantId tenant, string actor = "system", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var options = _options.Value;
        var now = _clock.GetCurrentInstant();
        var scope = AccessScope.Manufacturer(tenant);
        var report = ErasureReport.None;
        var budget = options.MaxRecordsPerSweep;
        if (options.ClosedOpportunityAge is { } dealAge)
        {
            var due = new List<SalesOpportunity>();
            await foreach (var deal in _opportunities.QueryAsync(scope, new OpportunityQuery { IsOpen = false }, cancellationToken).ConfigureAwait(false))
            {
                if (deal.ErasedAt is null && deal.ClosedAt is { } closed && closed <= now - dealAge && due.Count < budget)
                {
                    due.Add(deal);
                }
            }

            foreach (var deal in due)
            {
                var leads = deal.SourceLead is { } source && await _leads.FindAsync(scope, source, cancellationToken).ConfigureAwait(false) is { } lead ? [lead] : new List<Lead>();
                report += await SweepOneAsync(tenant, leads, [deal], actor, cancellationToken).ConfigureAwait(false);
            }

            budget -= due.Count;
        }

        if (options.ClosedLeadAge is { } leadAge && budget > 0)
        {
            var due = new List<Lead>();
            await foreach (var lead in _leads.QueryAsync(scope, new LeadQuery { States = [LeadState.Disqualified, LeadState.RegistrationExpired] }, cancellationToken).ConfigureAwait(false))
            {
                if (lead.ErasedAt is null && lead.LastActivityAt <= now - leadAge && due.Count < budget)
                {
                    due.Add(lead);
                }
            }

            foreach (var lead in due)
            {
                report += await SweepOneAsync(tenant, [lead], [], actor, cancellationToken).ConfigureAwait(false);
            }
        }

        return report;
    }

    private async Task<ErasureReport> SweepOneAsync(TenantId tenant, List<Lead> leads, List<SalesOpportunity> deals, string actor, CancellationToken cancellationToken)
    {
        try
        {
            return await EraseAsync(tenant, leads, deals, [], RetentionReason, actor, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            // Another host (or a workflow) wrote the record since it was read: if it was the other host's
            // sweep, the record is erased; otherwise the next sweep finds it again.
            return ErasureReport.None;
        }
    }

    private async Task AddDealOfAsync(AccessScope scope, Lead lead, List<SalesOpportunity> deals, CancellationToken cancellationToken)
    {
        if (lead.ConvertedTo is { } id && deals.All(d => d.Id != id) && await _opportunities.FindAsync(scope, id, cancellationToken).ConfigureAwait(false) is { } deal)
        {
            deals.Add(deal);
        }
    }

    // A deal opened without a lead (directly or by import) keeps of its customer only the keys: company,
    // e-mail domain and phone. The domain is shared by the customer's colleagues, so only the phone key of
    // the customer's own leads marks a deal as theirs.
    private async Task AddDealsWithPhoneOfAsync(AccessScope scope, List<Lead> leads, List<SalesOpportunity> deals, CancellationToken cancellationToken)
    {
        foreach (var phone in leads.Select(l => DuplicateKeys.NormalisePhone(l.Details.Contact.Phone)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            await foreach (var deal in _opportunities.FindByCustomerKeysAsync(scope, new DuplicateKeys(null, null, phone), cancellationToken).ConfigureAwait(false))
            {
                if (deal.CustomerKeys?.Phone == phone && deals.All(d => d.Id != deal.Id))
                {
                    deals.Add(deal);
                }
            }
        }
    }

    private async Task<ErasureReport> EraseAsync(TenantId tenant, List<Lead> leads, List<SalesOpportunity> deals, List<string> values, string reason, string actor, CancellationToken cancellationToken)
    {
        foreach (var lead in leads)
        {
            // The values are read before the lead forgets them; a lead erased before adds none.
            values.AddRange(new[] { lead.Details.Contact.Email, lead.Details.Contact.Phone }.Where(ErasedText.IsSearchable).Select(v => v!.Trim()));
        }

        var erasedLeads = leads.Where(l => l.ErasePersonalData(reason, actor, _clock)).ToList();
        var erasedDeals = deals.Where(d => d.ErasePersonalData(reason, actor, _clock)).ToList();
        var erasure = new PersonalDataErasure(tenant, erasedLeads, erasedDeals, values.Distinct(StringComparer.Ordinal).ToList());
        if (erasure.IsEmpty)
        {
            return ErasureReport.None;
        }

        var scrubbed = await _eraser.EraseAsync(erasure, cancellationToken).ConfigureAwait(false);
        return new ErasureReport(erasedLeads.Count, erasedDeals.Count, scrubbed);
    }
}
