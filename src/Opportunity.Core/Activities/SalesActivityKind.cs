namespace Opportunity;

/// <summary>What a partner did, or plans to do, on a lead or opportunity (see <see cref="SalesActivity"/>).</summary>
public enum SalesActivityKind
{
    /// <summary>A free-text note (what <c>RecordActivity(note, …)</c> records).</summary>
    Note = 0,

    /// <summary>A phone call with the customer.</summary>
    Call = 1,

    /// <summary>A meeting or site visit.</summary>
    Meeting = 2,

    /// <summary>An e-mail exchanged with the customer.</summary>
    Email = 3,

    /// <summary>A task with a due date, completed later with an outcome.</summary>
    Task = 4,

    /// <summary>The agreed next step (optionally dated); the latest one is the record's next step.</summary>
    NextStep = 5,
}
