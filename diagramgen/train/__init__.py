"""Beside the pipeline, training: LoRA SFT and preference tuning (ORPO/DPO) of the language
model (`sft`, `orpo`, `config`, `common`), and the two image models of the ranking
(`scorers`: the readability CNN and the auto-encoder). Writes the weights the package ships.
Imports the stages and `data`; only the front ends import it.
"""
