namespace Opportunity.AspNetCore.Errors;

/// <summary>How <see cref="OpportunityProblemDetailsServiceCollectionExtensions.AddOpportunityProblemDetails"/> writes the library's errors as ProblemDetails.</summary>
public sealed class OpportunityProblemDetailsOptions
{
    /// <summary>The prefix of every problem <c>type</c>, followed by the error code. Default <c>urn:opportunity:error:</c> (e.g. <c>urn:opportunity:error:lead_not_found</c>); set your documentation's URL, e.g. <c>https://crm.example.com/errors#</c>.</summary>
    public string TypePrefix { get; set; } = "urn:opportunity:error:";

    /// <summary>
    /// Whether a conflict names the partner that won (extension <c>winner</c>), e.g. the partner that
    /// accepted a broadcast lead first. Default false: a partner must not learn which other partner
    /// was offered or works a lead; turn it on for manufacturer-facing APIs.
    /// </summary>
    public bool IncludeWinner { get; set; }
}
