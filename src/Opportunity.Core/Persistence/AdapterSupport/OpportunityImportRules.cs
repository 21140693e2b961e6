using Opportunity.Pipelines;

namespace Opportunity.Persistence.AdapterSupport;

/// <summary>
/// The row checks every <see cref="IOpportunityImporter"/> applies, shared so all adapters report
/// the same errors: the pipeline is registered, the stage is one of its stages, the amount is not
/// negative nor above <see cref="Money.MaxDealMinorUnits"/> minor units, the expected close date is
/// one a pipeline snapshot holds (May of the year −731 to August 4730), and no id occurs twice in
/// the batch. Locations read <c>rows[17].stage</c>. When every row passes, the adapter reports
/// every row whose id is stored already (<see cref="AlreadyStored"/>, not capped by
/// <see cref="MaxErrors"/>: at most one per row), so a caller that leaves those rows out needs one
/// retry.
/// </summary>
public static class OpportunityImportRules
{
    /// <summary>At most this many row errors are collected; the rest of the batch is still checked for nothing else. Stored ids are all reported (see the class remarks).</summary>
    public const int MaxErrors = 1000;

    /// <summary>The location text of a field of a row, e.g. <c>rows[3].amount</c>.</summary>
    public static string Location(int index, string field) => $"rows[{index}].{field}";

    /// <summary>Checks one row; returns its problems (none when valid).</summary>
    public static IEnumerable<ValidationError> Check(SalesOpportunitySnapshot row, int index, PipelineCatalog pipelines)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        var problems = new List<ValidationError>();
        CheckInto(row, index, pipelines, problems);
        return problems;
    }

    /// <summary>
    /// Checks a whole batch without a store: every row and duplicate ids within the batch. Calls
    /// <paramref name="onValid"/> for each row in order (adapters stream rows into their
    /// transaction this way) and returns the errors and the number of rows seen.
    /// </summary>
    public static (List<ValidationError> Errors, int Count) CheckBatch(IEnumerable<SalesOpportunitySnapshot> rows, PipelineCatalog pipelines, Action<SalesOpportunitySnapshot, int>? onValid = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(pipelines);
        var errors = new List<ValidationError>();
        var seen = new Dictionary<(TenantId, OpportunityId), int>();
        var index = 0;
        foreach (var row in rows)
        {
            if (CheckNext(row, index, pipelines, seen, errors))
            {
                onValid?.Invoke(row, index);
            }

            index++;
        }

        return (errors, index);
    }

    /// <summary>
    /// Checks the rows of a batch as <see cref="CheckBatch(IEnumerable{SalesOpportunitySnapshot}, PipelineCatalog, Action{SalesOpportunitySnapshot, int}?)"/>
    /// does — <see cref="OpportunityImportBatch.Opportunities"/> (handed on without messages), then
    /// <see cref="OpportunityImportBatch.Rows"/>, numbered on — and hands each row to
    /// <paramref name="onValid"/> while no error has been found.
    /// </summary>
    public static (List<ValidationError> Errors, int Count) CheckBatch(OpportunityImportBatch batch, PipelineCatalog pipelines, Action<OpportunityImportRow, int> onValid)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(pipelines);
        ArgumentNullException.ThrowIfNull(onValid);
        var errors = new List<ValidationError>();
        var seen = new Dictionary<(TenantId, OpportunityId), int>();
        var index = 0;
        foreach (var row in batch.Opportunities)
        {
            if (CheckNext(row, index, pipelines, seen, errors))
            {
                onValid(new OpportunityImportRow(row, []), index);
            }

            index++;
        }

        foreach (var row in batch.Rows)
        {
            if (CheckNext(row?.Opportunity!, index, pipelines, seen, errors))
            {
                onValid(row!, index);
            }

            index++;
        }

        return (errors, index);
    }

    // One row in batch order: its rules and the duplicate check; true while the batch has no error.
    private static bool CheckNext(SalesOpportunitySnapshot? row, int index, PipelineCatalog pipelines, Dictionary<(TenantId, OpportunityId), int> seen, List<ValidationError> errors)
    {
        CheckInto(row, index, pipelines, errors);
        if (row is not null && !seen.TryAdd((row.Tenant, row.Id), index))
        {
            Add(errors, new ValidationError(Location(index, "id"), $"Opportunity '{row.Id}' of tenant '{row.Tenant}' occurs twice in the batch (first at rows[{seen[(row.Tenant, row.Id)]}])."));
        }

        return errors.Count == 0;
    }

    // The rules of one row, added to the errors; allocates only for a problem.
    private static void CheckInto(SalesOpportunitySnapshot? row, int index, PipelineCatalog pipelines, List<ValidationError> errors)
    {
        if (row is null)
        {
            Add(errors, new ValidationError($"rows[{index}]", "Row is null."));
            return;
        }

        var definition = Find(pipelines, row.PipelineId);
        if (definition is null)
        {
            Add(errors, new ValidationError(Location(index, "pipelineId"), $"Pipeline '{row.PipelineId}' is not registered."));
        }
        else if (!(row.Stage is { } name && definition.TryGetStage(name, out var stage) && string.Equals(stage.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            Add(errors, new ValidationError(Location(index, "stage"), $"Stage '{row.Stage}' is not a stage of pipeline '{definition.Id}'."));
        }

        if (row.Amount.IsNegative)
        {
            Add(errors, new ValidationError(Location(index, "amount"), $"Amount {row.Amount} is negative."));
        }
        else if (!row.Amount.IsValidDealAmount)
        {
            Add(errors, new ValidationError(Location(index, "amount"), $"Amount {row.Amount} exceeds the largest amount of one deal, {Money.MaxDealAmount(row.Amount.Currency)} ({Money.MaxDealMinorUnits} minor units)."));
        }

        if (!CloseDateRange.Contains(row.ExpectedClose))
        {
            Add(errors, new ValidationError(Location(index, "expectedClose"), $"Expected close date {NodaTime.Text.LocalDatePattern.Iso.Format(row.ExpectedClose)} must lie {CloseDateRange.Text}."));
        }
    }

    /// <summary>Checks the partners of an <see cref="OpportunityImportBatch"/>: none is null and none occurs twice (locations <c>newPartners[2]</c>).</summary>
    public static void CheckPartners(IReadOnlyList<Partners.Partner> partners, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(errors);
        var seen = new HashSet<(TenantId, PartnerId)>();
        for (var i = 0; i < partners.Count; i++)
        {
            if (partners[i] is not { } partner)
            {
                Add(errors, new ValidationError($"newPartners[{i}]", "Partner is null."));
            }
            else if (!seen.Add((partner.Tenant, partner.Id)))
            {
                Add(errors, new ValidationError($"newPartners[{i}].id", $"Partner '{partner.Id}' of tenant '{partner.Tenant}' occurs twice in the batch."));
            }
        }
    }

    /// <summary>The error for a row whose id is already stored; adapters add every one to their errors, uncapped.</summary>
    public static ValidationError AlreadyStored(int index, TenantId tenant, OpportunityId id) =>
        new(Location(index, "id"), $"Opportunity '{id}' of tenant '{tenant}' is already stored.");

    /// <summary>Adds an error unless <see cref="MaxErrors"/> are collected already.</summary>
    public static void Add(List<ValidationError> errors, ValidationError error)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count < MaxErrors)
        {
            errors.Add(error);
        }
    }

    private static PipelineDefinition? Find(PipelineCatalog pipelines, string? id)
    {
        if (id is null)
        {
            return null;
        }

        try
        {
            return pipelines.Get(id);
        }
        catch (EntityNotFoundException)
        {
            return null;
        }
    }

}
