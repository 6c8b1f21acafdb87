"""Official documents: the M-02 application and the M-01 cover letter as DOCX (docxtpl templates a
non-programmer can edit in Word), and spreadsheets (results table, yearly list, public list) as XLSX.

This package renders the data it is given and knows nothing of the database, the flows or the channels."""
